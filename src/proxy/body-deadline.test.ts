import { afterEach, describe, expect, it, vi } from 'vitest';
import { BodyDeadline } from './body-deadline.js';

describe('BodyDeadline', () => {
  afterEach(() => void vi.useRealTimers());

  const setUp = (timeoutMs: number) => {
    vi.useFakeTimers();
    let now = 0;
    const deadline = new BodyDeadline(timeoutMs, () => now);
    const listener = { onBodyDeadline: vi.fn() };
    const advance = (ms: number): void => {
      now += ms;
      vi.advanceTimersByTime(ms);
    };
    return { deadline, listener, advance };
  };

  it('fires once the reading time adds up to the timeout, not counting pauses', () => {
    const { deadline, listener, advance } = setUp(1_000);
    deadline.run(listener);
    advance(600);
    deadline.pause();
    advance(60_000); // e.g. the model loading: not the client's time
    expect(listener.onBodyDeadline).not.toHaveBeenCalled();
    deadline.run(listener);
    advance(399);
    expect(listener.onBodyDeadline).not.toHaveBeenCalled();
    advance(1);
    expect(listener.onBodyDeadline).toHaveBeenCalledOnce();
    expect(deadline.expired).toBe(true);
    expect(deadline.error).toMatchObject({ status: 408, code: 'request_timeout', type: 'invalid_request_error' });
  });

  it('tells nobody once stopped, and never runs with timeout 0', () => {
    const stopped = setUp(1_000);
    stopped.deadline.run(stopped.listener);
    stopped.deadline.stop();
    stopped.advance(5_000);
    expect(stopped.listener.onBodyDeadline).not.toHaveBeenCalled();
    const off = setUp(0);
    off.deadline.run(off.listener);
    off.advance(60_000);
    expect(off.listener.onBodyDeadline).not.toHaveBeenCalled();
    expect(off.deadline.expired).toBe(false);
  });
});
