"""Benchmark of stacksmith.aws stacks against the embedded emulator (see bench/README.md)."""
