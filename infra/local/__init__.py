"""The local stack: the whole product on one machine, emulating the cloud stack from the same wiring."""
