"""Pure reporting rules: plain data in, plain data out; no clock, no I/O."""
