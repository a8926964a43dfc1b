/**
 * The function the conformance cases run against, and how the suite deploys it (the cases'
 * expectations use these settings).
 */
import * as path from 'node:path';

/** The Python function whose event selects each documented behaviour. */
export const CONFORMANCE_FIXTURE_DIR = path.join(__dirname, 'fixture');

// 10 s: room for the out-of-memory case on a loaded machine at 0.29 of a vCPU.
export const CONFORMANCE_FIXTURE = { memoryMb: 512, timeoutSeconds: 10, handler: 'handler.lambda_handler' } as const;
