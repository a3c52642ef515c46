import { describe, expect, it } from 'vitest';
import type { WidgetState } from '../api.ts';
import { type MachineEvent, isLive, next } from './state-machine.ts';

const run = (events: MachineEvent[], from: WidgetState = 'idle') =>
  events.reduce<WidgetState>((s, e) => next(s, e) ?? s, from);

describe('widget state machine', () => {
  it('goes idle → connecting → the agent’s states', () => {
    expect(next('idle', { type: 'start' })).toBe('connecting');
    expect(next('connecting', { type: 'agent', state: 'initializing' })).toBeNull();
    expect(next('connecting', { type: 'agent', state: 'idle' })).toBe('listening');
    expect(run([{ type: 'start' }, { type: 'agent', state: 'speaking' }, { type: 'agent', state: 'listening' }])).toBe('listening');
  });

  it('thinks from the caller’s end of turn until the agent speaks; back to listening if the caller goes on', () => {
    const inCall = run([{ type: 'start' }, { type: 'agent', state: 'listening' }]);
    expect(next(inCall, { type: 'caller', speaking: false })).toBe('thinking');
    expect(next('thinking', { type: 'caller', speaking: true })).toBe('listening');
    expect(next('thinking', { type: 'agent', state: 'speaking' })).toBe('speaking');
    // Talking over the agent, connecting or reconnecting: the page's VAD does not change the state.
    for (const s of ['speaking', 'connecting', 'reconnecting', 'ended'] as const) {
      expect(next(s, { type: 'caller', speaking: false })).toBeNull();
      expect(next(s, { type: 'caller', speaking: true })).toBeNull();
    }
    expect(next('listening', { type: 'caller', speaking: true })).toBeNull();
  });

  it('ignores a second start while connecting or in a call (one call at a time)', () => {
    for (const s of ['connecting', 'listening', 'thinking', 'speaking', 'reconnecting'] as const) {
      expect(next(s, { type: 'start' })).toBeNull();
    }
  });

  it('shows reconnecting and resumes with the agent’s state', () => {
    const s = run([{ type: 'start' }, { type: 'agent', state: 'speaking' }, { type: 'reconnecting' }]);
    expect(s).toBe('reconnecting');
    expect(next(s, { type: 'agent', state: 'thinking' })).toBeNull(); // stale update while reconnecting
    expect(next(s, { type: 'reconnected', state: 'thinking' })).toBe('thinking');
    expect(next('connecting', { type: 'reconnecting' })).toBeNull(); // first connect has its own timeout
  });

  it('a normal end is ended, never error; an abnormal disconnect is error', () => {
    expect(run([{ type: 'start' }, { type: 'agent', state: 'listening' }, { type: 'end' }])).toBe('ended');
    expect(run([{ type: 'start' }, { type: 'agent', state: 'listening' }, { type: 'disconnected', normal: true }])).toBe('ended');
    expect(run([{ type: 'start' }, { type: 'disconnected', normal: false }])).toBe('error'); // lost while connecting
    expect(run([{ type: 'start' }, { type: 'agent', state: 'idle' }, { type: 'reconnecting' }, { type: 'disconnected', normal: false }])).toBe('error');
    expect(next('ended', { type: 'fail' })).toBeNull(); // a late failure after hanging up stays ended
    expect(next('ended', { type: 'disconnected', normal: false })).toBeNull();
  });

  it('retries from error or ended, and resets to idle', () => {
    expect(next('error', { type: 'start' })).toBe('connecting');
    expect(next('ended', { type: 'start' })).toBe('connecting');
    expect(next('error', { type: 'reset' })).toBe('idle');
    expect(next('listening', { type: 'reset' })).toBeNull();
  });

  it('knows which states are live', () => {
    expect(['idle', 'ended', 'error'].map((s) => isLive(s as WidgetState))).toEqual([false, false, false]);
    expect(isLive('reconnecting')).toBe(true);
  });
});
