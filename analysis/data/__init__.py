"""Getting the data: raw files -> readers -> validated extract (data/) -> loading it back."""
