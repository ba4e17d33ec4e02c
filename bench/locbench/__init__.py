"""locbench: the benchmark suite of issue 5 (locpipe side by side with its peers)."""
