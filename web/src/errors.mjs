// The one error type of the JS host. `.class` names the rule broken (for
// container errors: the Rust loader's Error::class names); `.exit` is the
// exit name of rvf-pack's table and `.code` its number (spec.generated.mjs).
import facts from './spec.generated.mjs';

export class RvfError extends Error {
  /** @param {string} message @param {{class?: string, exit?: string, cause?: unknown}} [o] */
  constructor(message, o = {}) {
    super(message, o.cause === undefined ? undefined : { cause: o.cause });
    this.name = 'RvfError';
    this.exit = o.exit ?? 'bad_container';
    this.class = o.class ?? this.exit;
    this.code = facts.exit.find((e) => e.name === this.exit)?.code;
  }
  toJSON() {
    return { error: this.message, class: this.class, exit: this.exit, code: this.code };
  }
}

/** A container/payload error with the loader's class (exit bad_container). */
export const containerError = (cls, message) => new RvfError(message, { class: cls, exit: 'bad_container' });
/** A refused request or run (exit = the rvf-pack exit name). */
export const refusal = (exit, message, cls = exit) => new RvfError(message, { class: cls, exit });
