"""The life of a job, with no UI: plans and what they cost, the engine that sends them
through the journal, progress, lookups, find and everywhere jobs, receipts."""
