#!/bin/sh
# Runs hull's bats integration suite (TAP on stdout). Set HULL to test
# another binary, e.g. HULL=runc to check the tests against runc.
cd "$(dirname "$0")/../.." && exec bats --tap tests/integration
