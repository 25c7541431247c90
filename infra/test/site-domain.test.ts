import assert from 'node:assert/strict';
import { test } from 'node:test';
import { siteDomainFromContext } from '../lib/site-domain';

const arn = (region: string) => `arn:aws:acm:${region}:111111111111:certificate/12345678-90ab-cdef-1234-567890abcdef`;
const from = (context: Record<string, unknown>) => siteDomainFromContext((key) => context[key]);

test('is absent when neither value is given, and read when both are', () => {
  assert.equal(from({}), undefined);
  assert.deepEqual(from({ domainName: 'patterns.example.com', certificateArn: arn('us-east-1') }), {
    domainName: 'patterns.example.com',
    certificateArn: arn('us-east-1'),
  });
});

test('refuses half a domain, naming both values', () => {
  assert.throws(() => from({ domainName: 'patterns.example.com' }), /needs both context values.*certificateArn=undefined/);
  assert.throws(() => from({ certificateArn: arn('us-east-1') }), /needs both context values.*domainName=undefined/);
});

test('refuses a certificate outside us-east-1, naming its Region', () => {
  assert.throws(() => from({ domainName: 'patterns.example.com', certificateArn: arn('eu-west-1') }), /certificateArn is in eu-west-1; CloudFront only uses ACM certificates from us-east-1/);
});

test('refuses what is not a host name or not an ACM certificate ARN', () => {
  assert.throws(() => from({ domainName: 'https://patterns.example.com', certificateArn: arn('us-east-1') }), /domainName "https:\/\/patterns.example.com" is not a lower-case host name/);
  assert.throws(() => from({ domainName: 'patterns.example.com', certificateArn: 'arn:aws:iam::111111111111:server-certificate/x' }), /is not an ACM certificate ARN/);
});
