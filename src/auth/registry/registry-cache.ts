import { performance } from 'node:perf_hooks';
import { ServiceUnavailableError } from '../../errors/index.js';
import type { RegistryStore } from '../../store/types.js';
import { AUTH_DEFAULTS } from '../defaults.js';
import { RegistryView } from './registry-view.js';

/**
 * The registry held in memory. A change made through this instance replaces it at once
 * (`reload`); another process's change is seen at the next check of the store's version, at most
 * `refreshMs` after the last one. A registry that could not be checked for longer than that is
 * never answered from (fail closed: a 503, not a grant a role change has since taken away).
 * Intervals run on the monotonic clock, not the token clock (tests freeze that one).
 */
export class RegistryCache {
  #view: RegistryView | undefined;
  #checkedAt = Number.NEGATIVE_INFINITY;
  #pending: Promise<RegistryView> | undefined;

  constructor(
    private readonly store: RegistryStore,
    private readonly refreshMs: number = AUTH_DEFAULTS.registryRefreshMs,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** The current registry: from memory while it was checked within refreshMs, else checked first. */
  current(): Promise<RegistryView> {
    if (this.#view !== undefined && this.clock() - this.#checkedAt < this.refreshMs) return Promise.resolve(this.#view);
    this.#pending ??= this.#check().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /** Loads the registry again now (after a change made here). */
  async reload(): Promise<RegistryView> {
    const started = this.clock();
    const view = new RegistryView(await this.store.snapshot());
    this.#view = view;
    this.#checkedAt = started;
    return view;
  }

  async #check(): Promise<RegistryView> {
    const started = this.clock();
    try {
      const version = await this.store.version();
      if (this.#view !== undefined && version === this.#view.version) {
        this.#checkedAt = started;
        return this.#view;
      }
      return await this.reload();
    } catch (error) {
      throw new ServiceUnavailableError('registry unavailable', {
        detail: 'The service cannot read its roles and APIs right now; retry shortly.',
        cause: error,
      });
    }
  }
}
