import { describe, expect, it } from 'vitest';
import type { PiiPattern } from '../../src/config/types.js';
import { isIbanChecksumValid, isLuhnValid } from '../../src/policy/checksums.js';
import { findPii } from '../../src/policy/pii-detectors.js';

const found = (pattern: PiiPattern, text: string): string[] =>
  findPii(text, [pattern]).map((m) => text.slice(m.start, m.end));

interface Table {
  readonly positive: readonly (string | readonly [text: string, value: string])[];
  readonly negative: readonly string[];
}

const TABLES: Readonly<Record<PiiPattern, Table>> = {
  email: {
    positive: [
      'john.doe@example.com', 'jane_doe+news@sub.example.co.uk', 'a@b.io', 'first.last@company-name.org',
      'USER123@EXAMPLE.COM', 'x%y@mail.example.net', 'support@my-site.travel', 'name@domain.museum',
      '12345@numbers.com', ['contact: info@acme.com.', 'info@acme.com'], ['<bob@corp.example>', 'bob@corp.example'],
    ],
    negative: [
      'user@localhost', 'user@@example.com', '@example.com', 'user@.com', 'user@example', 'user@example.c',
      'user.@example.com', 'us..er@example.com', 'user@exa_mple.com', 'user@123.456', 'an @ sign alone',
      'user@example.com1',
    ],
  },
  ssn: {
    positive: [
      '123-45-6789', '078-05-1120', '219-09-9999', '457 55 5462', '001-01-0001', '665-12-3456', '899-99-9999',
      '123 45 6789', ['SSN: 123456789', '123456789'], ['social security number 536227412', '536227412'],
    ],
    negative: [
      '000-12-3456', '666-12-3456', '900-12-3456', '999-45-6789', '123-00-6789', '123-45-0000', '123-45 6789',
      '1234-56-7890', '123-456-7890', '2024-01-15', 'id 123456789', '123-45-67890', '1.123-45-6789',
    ],
  },
  credit_card: {
    positive: [
      '4111 1111 1111 1111', '4012888888881881', '5555 5555 5555 4444', '5105-1051-0510-5100', '2223003122003222',
      '378282246310005', '3782 822463 10005', '6011111111111117', '3530111333300000', '30569309025904',
      '4222222222222', ['card 4111 1111 1111 1111 12/25', '4111 1111 1111 1111'],
    ],
    negative: [
      '4111 1111 1111 1112', '1234567812345670', '0000 0000 0000 0000', '4111-1111 1111-1111',
      '41111111111111111111111', '2024-01-15', '555-123-4567', 'pi 3.4111111111111111', 'id 4111111111111111a',
      '9999 9999 9999 9995', '41 11 11 11 11 11 11 11',
    ],
  },
  phone: {
    positive: [
      '(555) 123-4567', '555-123-4567', '555.123.4567', '+1 555 123 4567', '1-800-555-0199', '+44 20 7946 0958',
      '+49 30 901820', '+33 1 23 45 67 89', '+14155552671', '020 7946 0958', '+91-98765-43210', '0044 20 7946 0958',
    ],
    negative: [
      '2024-01-15', '1.2.3.4', 'version 10.2.3', '12345678901234', '3.14159265', 'ISBN 978-3-16-148410-0',
      '192.168.100.200', 'order #1234567890', '10:30:45', '123-456-7890', 'call +1 now', '1234-5678',
      '+123456789012345678', '05/12/2024',
    ],
  },
  ipv4: {
    positive: [
      '192.168.1.1', '10.0.0.1', '8.8.8.8', '255.255.255.255', '0.0.0.0', '172.16.254.3', '127.0.0.1', '1.2.3.4',
      '100.64.0.10', '203.0.113.195', ['connect to 192.168.0.1:8080', '192.168.0.1'], ['(10.1.2.3)', '10.1.2.3'],
    ],
    negative: [
      '256.1.1.1', '1.2.3', '1.2.3.4.5', 'v1.2.3.4', '01.02.03.04', '1.2.3.4a', '999.999.999.999', '192.168.1.300',
      '1..2.3.4', '3.14.15.92.65', '10.0.0', 'a.1.2.3.4',
    ],
  },
  iban: {
    positive: [
      'DE89 3704 0044 0532 0130 00', 'DE89370400440532013000', 'GB82 WEST 1234 5698 7654 32', 'GB82WEST12345698765432',
      'FR14 2004 1010 0505 0001 3M02 606', 'NL91ABNA0417164300', 'ES91 2100 0418 4502 0005 1332',
      'IT60 X054 2811 1010 0000 0123 456', 'BE68 5390 0754 7034', 'CH93 0076 2011 6238 5295 7', 'AT61 1904 3002 3457 3201',
      'NO93 8601 1117 947', ['pay DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX', 'DE89 3704 0044 0532 0130 00'],
    ],
    negative: [
      'DE89 3704 0044 0532 0130 01', 'DE89 3704 0044 0532 0130', 'XX89 3704 0044 0532 0130 00',
      'US12 3456 7890 1234 5678 90', 'de89 3704 0044 0532 0130 00', 'GB82 WEST 1234 5698 7654 3',
      'DE89370400440532013000X', 'ABCD1234EFGH5678', 'DE8 9370 4004 4053 2013 000', 'GB00 WEST 1234 5698 7654 32',
    ],
  },
  api_key: {
    positive: [
      'sk-abcDEF1234567890abcdefGHIJKLmnopqrstuvwx123456', 'sk-proj-Ab3dEf_Gh1jKlMnOpQrStUvWxYz0123456789-abcd',
      'sk-ant-api03-AbCdEf0123456789ghijKLMNOPqrstuvWXyz-_abc', 'ghp_1234567890abcdefghijklmnopqrstuvwxyz',
      'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ', 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx',
      'AKIAIOSFODNN7EXAMPLE', `AIza${'SyA1234567890abcdefghijklmnopqrstuv'}`, 'hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh',
      'glpat-AbCdEf0123456789xyzW', ['api_key=Zx8Kq2Lm9Pw4Rt7Yv1Bn6Cs3', 'Zx8Kq2Lm9Pw4Rt7Yv1Bn6Cs3'],
      ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abc123XYZ', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abc123XYZ'],
      ['"client_secret": "Qm9vR2x1ZS0xMjM0NTY3ODkw"', 'Qm9vR2x1ZS0xMjM0NTY3ODkw'],
    ],
    negative: [
      'sk-learn is a python library', 'sk-this-is-not-a-real-key-at-all', 'task-1234567890abcdefghij', 'ghp_short123',
      'AKIA1234', 'xoxb-not-a-token', 'api_key=short', 'password=aaaaaaaaaaaaaaaaaaaa', 'the api key is stored in vault',
      `sk-${'a'.repeat(30)}`, 'AIzaShort', 'hf_hub_download is a function', 'my_api_key_variable = None',
      'akiaiosfodnn7example',
    ],
  },
};

describe('PII detector tables', () => {
  for (const [pattern, table] of Object.entries(TABLES) as [PiiPattern, Table][]) {
    describe(pattern, () => {
      it.each(table.positive.map((p) => (typeof p === 'string' ? [p, p] : p)))('finds %j', (text, value) => {
        const sentence = `before ${text} after`;
        expect(found(pattern, sentence)).toEqual([value]);
      });
      it.each(table.negative.map((n) => [n]))('ignores %j', (text) => {
        expect(found(pattern, `before ${text} after`)).toEqual([]);
      });
      it('has at least 10 positive and 10 negative cases', () => {
        expect(table.positive.length).toBeGreaterThanOrEqual(10);
        expect(table.negative.length).toBeGreaterThanOrEqual(10);
      });
    });
  }
});

describe('findPii', () => {
  it('returns sorted, non-overlapping matches across patterns', () => {
    const text = 'mail a@b.io, card 4111 1111 1111 1111, ip 10.0.0.1, call (555) 123-4567';
    const matches = findPii(text, ['email', 'credit_card', 'ipv4', 'phone']);
    expect(matches.map((m) => m.pattern)).toEqual(['email', 'credit_card', 'ipv4', 'phone']);
    for (let i = 1; i < matches.length; i++) expect(matches[i]!.start).toBeGreaterThanOrEqual(matches[i - 1]!.end);
  });

  it('only runs the requested patterns', () => {
    expect(findPii('a@b.io 10.0.0.1', ['ipv4']).map((m) => m.pattern)).toEqual(['ipv4']);
  });

  it('checksums behave', () => {
    expect(isLuhnValid('79927398713')).toBe(true);
    expect(isLuhnValid('79927398710')).toBe(false);
    expect(isIbanChecksumValid('GB82WEST12345698765432')).toBe(true);
    expect(isIbanChecksumValid('GB83WEST12345698765432')).toBe(false);
  });
});
