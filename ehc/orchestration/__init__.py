"""The Prefect adapter: the orchestrator that starts and resumes request runs, the local server, `ehc serve`."""
