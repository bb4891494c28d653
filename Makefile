# The two commands a new machine needs: `make run` and `make test`.
.PHONY: install run test test-fast bench lint contexts messages

install:
	@bash .ci/install

run: install
	.venv/bin/s4c init
	.venv/bin/s4c demo
	.venv/bin/s4c registry seed-demo
	# the demo issuer is did:web on http://127.0.0.1:8000: let the verifier fetch its own
	# DID document and status lists over loopback http (never allowed by default)
	S4C_ALLOW_LOOPBACK_FETCH=1 .venv/bin/s4c serve --host 127.0.0.1 --port 8000

# Static checks first (ruff and mypy, configured in pyproject.toml), so CI fails on either.
# The suite runs on every core (pytest-xdist), a test file per worker at a time, so a file's
# module fixtures (a PostgreSQL cluster, a served app) start once; each worker has its own
# temporary folders, and every server binds a free port of its own.
PYTEST_PARALLEL = -n auto --dist loadfile
test: lint
	bash .ci/install-test-deps
	.venv/bin/python -m pytest $(PYTEST_PARALLEL)

# Everything but the tiers that drive an outside part (tests/tiers.py): a quick check while
# working. `make test` still runs them all, and CI fails if any of them is skipped.
TIERS = browser or postgres or redis or acapy or node or slow
test-fast: install
	.venv/bin/python -m pytest $(PYTEST_PARALLEL) -m "not ($(TIERS))"

bench: install
	.venv/bin/s4c bench --json

lint: install
	.venv/bin/ruff check .
	.venv/bin/mypy

# Re-extract the pinned JSON-LD contexts from the npm registry and check their SHA-256.
contexts:
	bash .ci/fetch-contexts

# The pages' words: extract every _() of web/ into the template, then merge it into each
# language's .po (new words arrive untranslated, or fuzzy when close to an old one: the
# translations test fails until a translator fills them in). The .po files are read at start-up.
messages: install
	.venv/bin/pybabel extract -F babel.cfg -c Translators: --add-location=file \
	  --project=s4c --copyright-holder="the s4c authors" -o web/translations/messages.pot .
	.venv/bin/pybabel update -i web/translations/messages.pot -d web/translations -D messages
