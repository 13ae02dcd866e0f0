"""The terminal front end: `feudbot ask`, `chat`, `sources`, `eval`, ..."""
