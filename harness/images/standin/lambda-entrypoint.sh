#!/bin/sh
# Entrypoint of the Lambda stand-in, with the official image's contract: the handler is the one
# argument. Lambda (or the harness's Runtime API emulator) sets AWS_LAMBDA_RUNTIME_API.
if [ $# -ne 1 ]; then
  echo "lambda-entrypoint.sh: expected exactly one argument, the handler (e.g. handler.lambda_handler); got $#." 1>&2
  exit 142
fi
export _HANDLER="$1"

if [ -z "${AWS_LAMBDA_RUNTIME_API}" ]; then
  echo "lambda-entrypoint.sh: AWS_LAMBDA_RUNTIME_API is not set, and this stand-in ships no Runtime Interface Emulator." 1>&2
  echo "  Boot it through the harness (npm run emulate / npm run verify), which serves the Runtime API," 1>&2
  echo "  or set AWS_LAMBDA_RUNTIME_API=<host:port> of a Runtime API yourself." 1>&2
  exit 1
fi
exec /var/runtime/bootstrap
