import { describe, expect, it } from 'vitest';
import {
  epochMillisToIso,
  isJiraTimestamp,
  parseJiraTimestamp,
  tryParseJiraTimestamp,
} from './jira-timestamp.ts';

describe('parseJiraTimestamp', () => {
  it('writes a +0300 offset the ISO way and keeps the same instant', () => {
    const iso = parseJiraTimestamp('2019-01-30T15:51:33.199+0300');
    expect(iso).toBe('2019-01-30T15:51:33.199+03:00');
    expect(new Date(iso).toISOString()).toBe('2019-01-30T12:51:33.199Z');
  });

  it('keeps Z and negative and colon offsets', () => {
    expect(parseJiraTimestamp('2021-01-18T23:45:00.000Z')).toBe('2021-01-18T23:45:00.000Z');
    expect(parseJiraTimestamp('2021-01-18T23:45:00.000+0000')).toBe(
      '2021-01-18T23:45:00.000+00:00',
    );
    expect(parseJiraTimestamp('2026-09-10T16:20:00.000-0530')).toBe(
      '2026-09-10T16:20:00.000-05:30',
    );
    expect(parseJiraTimestamp('2026-09-10T16:20:00+02:00')).toBe('2026-09-10T16:20:00.000+02:00');
    expect(Date.parse(parseJiraTimestamp('2026-09-10T16:20:00.000-0530'))).toBe(
      Date.parse('2026-09-10T21:50:00.000Z'),
    );
  });

  it('pads or trims the fraction to milliseconds', () => {
    expect(parseJiraTimestamp('2026-09-10T16:20:00.5+0200')).toBe('2026-09-10T16:20:00.500+02:00');
    expect(parseJiraTimestamp('2026-09-10T16:20:00.123456+0200')).toBe(
      '2026-09-10T16:20:00.123+02:00',
    );
  });

  it('refuses text that names no instant or no real time', () => {
    for (const text of [
      '2019-1-30 15:51:34,870', // the logged string in the reference webhook
      '2019-01-30T15:51:33.199', // no zone
      '2019-02-30T10:00:00.000+0000', // no such day
      '2019-01-30T24:00:00.000+0000',
      '2019-01-30T10:00:00.000+1500',
      '2019-01-30',
      '',
    ]) {
      expect(tryParseJiraTimestamp(text), text).toBeNull();
      expect(isJiraTimestamp(text), text).toBe(false);
      expect(() => parseJiraTimestamp(text), text).toThrow(RangeError);
    }
  });
});

describe('epochMillisToIso', () => {
  it('gives the UTC instant of a delivery timestamp', () => {
    expect(epochMillisToIso(1_789_458_137_512)).toBe('2026-09-15T07:42:17.512Z');
  });
});
