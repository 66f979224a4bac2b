"""The Dagster code location (definitions, resources, jobs, schedules) and the llm-catalog command line."""
