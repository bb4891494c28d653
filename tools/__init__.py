"""Benchmarks and throwaway servers: outside the installed package; `s4c bench` imports them from a source checkout."""
