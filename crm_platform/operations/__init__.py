"""Running the CRM in production: readiness, Prometheus metrics, structured logs with request ids."""
