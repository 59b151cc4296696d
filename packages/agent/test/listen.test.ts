// Server-sent events as the master writes them for run requests, cut anywhere by the network.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventStreamParser } from '../src/listen.ts';

test('events are read whole however the stream is cut; comments and unknown fields are skipped', () => {
  const stream = 'retry: 5000\nevent: hello\ndata: {"heartbeat": 15}\n\n: ping\n\nevent: run\nid: 1\ndata: {"transaction_uuid":"u1",\ndata: "noop":true}\n\r\nevent: run\r\ndata: {"transaction_uuid":"u2"}\r\n\r\n';
  for (const size of [1, 2, 3, 7, stream.length]) {
    const got: [string, string][] = [];
    const p = new EventStreamParser((event, data) => got.push([event, data]));
    for (let i = 0; i < stream.length; i += size) p.push(stream.slice(i, i + size));
    assert.deepEqual(got, [
      ['hello', '{"heartbeat": 15}'],
      ['run', '{"transaction_uuid":"u1",\n"noop":true}'],
      ['run', '{"transaction_uuid":"u2"}'],
    ], `cut every ${size}`);
  }
});
