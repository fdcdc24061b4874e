# The two commands of the README.
.PHONY: demo test setup

demo: ## Set everything up, start Neo4j, load demo data and serve the dashboard
	bash scripts/setup.sh
	.venv/bin/aim demo

test: ## Run the whole test suite against a real Neo4j
	bash scripts/test.sh

setup:
	bash scripts/setup.sh
