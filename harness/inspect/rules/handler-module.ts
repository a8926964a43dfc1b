/**
 * The handler string `path/to/module.function` names a module the runtime imports from the
 * code root; its file must be there. Seed 000 shipped a ZIP that failed on import.
 */
import { HANDLER_PATTERN } from '../../../model/lambda-limits';
import { InspectionRule } from '../types';
import { fail, pass, warn } from '../verdict';

/** Why a handler string is malformed, or undefined when it is well formed. */
export function handlerProblem(handler: string): string | undefined {
  if (handler.trim() === '') return 'the handler is empty';
  if (/\.py$/.test(handler)) return `'${handler}' names a file; the handler is 'module.function', e.g. '${handler.replace(/\.py$/, '')}.lambda_handler'`;
  if (!handler.includes('.')) return `'${handler}' has no '.function' part; the handler is 'module.function', e.g. '${handler}.lambda_handler'`;
  if (!HANDLER_PATTERN.test(handler)) {
    return `'${handler}' is not 'module.function': module and function names are Python identifiers (letters, digits, _; no '-' or spaces)`;
  }
  return undefined;
}

/** `src/app.handler.main` -> module path `src/app/handler` (awslambdaric splits on the last '.'). */
export function handlerModulePath(handler: string): string {
  const modulePart = handler.slice(0, handler.lastIndexOf('.'));
  return modulePart.replace(/\./g, '/');
}

export const handlerModuleRule: InspectionRule = {
  id: 'handler-module',
  description: 'Handler string well formed, its module present in the code root',
  appliesTo: ['zip', 'image'],
  check(view, target) {
    const handler = target.handler ?? (view.kind === 'image' ? view.image?.cmd[0] : undefined);
    if (handler === undefined && view.kind === 'zip') {
      return warn(this.id, 'no handler given: the handler module was not looked for', [], 'Pass the handler (--handler module.function) to check its module is in the ZIP.');
    }
    if (handler === undefined) {
      return fail(this.id, 'no handler to check: none was given and the image has no CMD', [], 'Pass --handler module.function, or set CMD ["module.function"] in the Dockerfile.');
    }
    const problem = handlerProblem(handler);
    if (problem) {
      return fail(this.id, `handler is malformed: ${problem}`, [{ file: '(handler setting)', detail: handler }], 'Set the handler to module.function, e.g. handler.lambda_handler.');
    }
    const modulePath = handlerModulePath(handler);
    const roots = [view.codeRoot];
    // In an image, pip-installed handlers are importable from site-packages too.
    if (view.kind === 'image') {
      for (const file of view.files) {
        const at = file.path.indexOf('/site-packages/');
        if (at >= 0) roots.push(file.path.slice(0, at + '/site-packages/'.length));
      }
    }
    const candidates = [...new Set(roots)].flatMap((root) => [`${root}${modulePath}.py`, `${root}${modulePath}/__init__.py`, `${root}${modulePath}.pyc`]);
    const paths = new Set(view.files.map((file) => file.path));
    const extensionPrefix = `${view.codeRoot}${modulePath}.`;
    const found =
      candidates.find((candidate) => paths.has(candidate)) ??
      view.files.find((file) => file.path.startsWith(extensionPrefix) && file.path.endsWith('.so'))?.path;
    if (found) return pass(this.id, `handler '${handler}': module found at ${found}`);
    const near = view.files
      .filter((file) => file.path.endsWith('/' + modulePath.split('/').pop() + '.py') || file.path === modulePath.split('/').pop() + '.py')
      .slice(0, 3);
    return fail(
      this.id,
      `handler '${handler}' needs module file ${view.codeRoot}${modulePath}.py (or ${modulePath}/__init__.py), and the ${view.kind} has none: ` +
        `every invoke would fail with Runtime.ImportModuleError`,
      near.length > 0
        ? near.map((file) => ({ file: file.path, detail: 'a file of that name exists, at another path' }))
        : [{ file: `${view.codeRoot}${modulePath}.py`, detail: 'missing' }],
      near.length > 0
        ? `Put the module at the root of the ${view.kind === 'zip' ? 'ZIP' : 'task root'}, or change the handler to the path where it is (path/to/module.function).`
        : `Include the handler module in the ${view.kind === 'zip' ? 'ZIP (at its root, not in a subfolder)' : 'image under the task root (COPY handler.py ${LAMBDA_TASK_ROOT})'}.`,
    );
  },
};
