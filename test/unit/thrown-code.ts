/** Tests assert an error's code, not its prose (issue 13): the code of what `run` throws. */
import { ErrorCode, errorCodeOf } from '../../model/error-codes';

export function codeOfThrown(run: () => unknown): ErrorCode | 'NOTHING_THROWN' {
  try {
    run();
  } catch (error) {
    return errorCodeOf(error);
  }
  return 'NOTHING_THROWN';
}
