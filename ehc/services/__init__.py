"""The use cases the CLI, the flows and the web app all call: casework, messages, plan quality, reporting."""
