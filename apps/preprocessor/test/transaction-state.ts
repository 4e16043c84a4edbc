import { connect } from 'node:net';

// The transaction coordinator's state of one transactional id, by a DescribeTransactions request
// (API key 65, KIP-664, version 0), which kafkajs does not implement. A test uses it to pause a
// stage while its transaction is open ('Ongoing': partitions added, no EndTxn yet). Written for
// the local single-broker stack, where that broker is every id's coordinator.

const DESCRIBE_TRANSACTIONS = 65;

function uvarint(n: number): Buffer {
  const bytes: number[] = [];
  do {
    bytes.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  return Buffer.from(bytes);
}

/** DescribeTransactions v0 for one id: a flexible request (header v2, compact strings, empty tagged fields). */
function request(transactionalId: string, correlationId: number): Buffer {
  const clientId = Buffer.from('md-test');
  const id = Buffer.from(transactionalId);
  const header = Buffer.alloc(10);
  header.writeInt16BE(DESCRIBE_TRANSACTIONS, 0);
  header.writeInt16BE(0, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(clientId.length, 8);
  const body = Buffer.concat([header, clientId, uvarint(0), uvarint(2), uvarint(id.length + 1), id, uvarint(0)]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

/** Reads the first state of the response: correlation id, tagged fields, throttle, states[0].{error, id, state}. */
function parse(frame: Buffer): { errorCode: number; state: string } {
  let at = 4 + 4; // size, correlation id
  const readUvarint = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const b = frame[at++];
      value |= (b & 0x7f) << shift;
      if (!(b & 0x80)) return value;
    }
  };
  readUvarint(); // response header tagged fields
  at += 4; // throttle_time_ms
  if (readUvarint() - 1 < 1) throw new Error('DescribeTransactions answered no state');
  const errorCode = frame.readInt16BE(at);
  at += 2;
  const idLength = readUvarint() - 1; // transactional_id, skipped
  at += idLength;
  const length = readUvarint() - 1;
  return { errorCode, state: frame.subarray(at, at + length).toString() };
}

/** 'Empty', 'Ongoing', 'PrepareCommit', 'CompleteCommit', ... of `transactionalId` ('Unknown' when the coordinator has none). */
export async function transactionState(broker: string, transactionalId: string): Promise<string> {
  const [host, port] = broker.split(':');
  const socket = connect({ host, port: Number(port) });
  try {
    const frame = await new Promise<Buffer>((resolve, reject) => {
      let received = Buffer.alloc(0);
      socket.setTimeout(5000, () => reject(new Error(`DescribeTransactions to ${broker} timed out`)));
      socket.once('error', reject);
      socket.on('data', (chunk) => {
        received = Buffer.concat([received, chunk]);
        if (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) resolve(received);
      });
      socket.write(request(transactionalId, 1));
    });
    const { errorCode, state } = parse(frame);
    // 105 TRANSACTIONAL_ID_NOT_FOUND: the coordinator has no such id (yet).
    if (errorCode === 105) return 'Unknown';
    if (errorCode !== 0) throw new Error(`DescribeTransactions ${transactionalId}: error code ${errorCode}`);
    return state;
  } finally {
    socket.destroy();
  }
}
