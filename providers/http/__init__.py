"""One httpx client per account: auth, timeouts, pacing, safe retries, and what an error
answer means (`client`, `pacing`, `answers`)."""
