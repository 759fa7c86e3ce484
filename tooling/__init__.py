"""Build tooling: staging the three editions, executing notebooks, building the site."""
