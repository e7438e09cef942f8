'use strict'
// kafkajs 2.2.4 against a Meridian node, driven by KafkajsIT:
//
//   node roundtrip.js <bootstrap host:port> <topic> [--consume]
//
// Admin (describeCluster, createTopics, listTopics, fetchTopicMetadata, fetchTopicOffsets),
// a plain producer (with headers), a GZIP-compressed send, an idempotent producer, and a send
// to a topic that does not exist yet (auto-created through Metadata). With --consume, a group
// consumer reads <topic> back from the beginning; it needs the consumer-group APIs
// (FindCoordinator, JoinGroup, SyncGroup, Heartbeat, OffsetFetch, OffsetCommit, LeaveGroup),
// and KafkajsIT passes the flag only when the broker advertises them. A second consumer of the
// same group then reads only the 5 records produced after the first one committed.
//
// stdout: exactly one line, the JSON result. kafkajs logs (WARN and above) go to stderr.
// Exit code 0 on success, 1 on any error (the stack is on stderr).

const { Kafka, CompressionTypes, logLevel } = require('kafkajs')

const TIMEOUT_MS = 60000

function stderrLogger() {
  return ({ namespace, level, label, log }) => {
    const { message, ...extra } = log
    process.stderr.write(`[kafkajs ${label}] ${namespace}: ${message} ${JSON.stringify(extra)}\n`)
  }
}

function messages(prefix, from, count, withHeaders) {
  const out = []
  for (let i = from; i < from + count; i++) {
    const m = { key: `k${i}`, value: `${prefix}-${i}` }
    if (withHeaders) {
      m.headers = { origin: 'kafkajs', seq: String(i) }
    }
    out.push(m)
  }
  return out
}

function metadataOf(results) {
  return results.map((r) => ({
    topic: r.topicName,
    partition: r.partition,
    errorCode: r.errorCode,
    baseOffset: r.baseOffset,
  }))
}

async function consumeAll(kafka, topic, expected) {
  const consumer = kafka.consumer({ groupId: `roundtrip-${topic}`, sessionTimeout: 10000 })
  const seen = []
  let done
  let crashed
  const all = new Promise((resolve, reject) => {
    done = resolve
    crashed = reject
  })
  all.catch(() => {}) // awaited below; a crash before that must not count as unhandled
  consumer.on(consumer.events.CRASH, ({ payload }) => crashed(payload.error))
  await consumer.connect()
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen.push({
          partition,
          offset: message.offset,
          key: message.key && message.key.toString(),
          value: message.value && message.value.toString(),
        })
        if (seen.length >= expected) {
          done()
        }
      },
    })
    const timeout = new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`consumed ${seen.length} of ${expected}`)), TIMEOUT_MS)
    )
    await Promise.race([all, timeout])
  } finally {
    await consumer.disconnect()
  }
  return seen
}

async function main(bootstrap, topic, consume) {
  const kafka = new Kafka({
    clientId: 'meridian-conformance-kafkajs',
    brokers: [bootstrap],
    logLevel: logLevel.WARN,
    logCreator: stderrLogger,
    connectionTimeout: 5000,
    requestTimeout: 15000,
    retry: { retries: 5 },
  })
  const result = { topic }

  const admin = kafka.admin()
  await admin.connect()
  try {
    const cluster = await admin.describeCluster()
    result.cluster = {
      clusterId: cluster.clusterId,
      controller: cluster.controller,
      brokers: cluster.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })),
    }
    result.created = await admin.createTopics({
      topics: [{ topic, numPartitions: 2, replicationFactor: 1 }],
      waitForLeaders: true,
    })
    // an existing topic is not an error for kafkajs: it answers false
    result.createdAgain = await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] })
    result.listed = (await admin.listTopics()).includes(topic)
    const md = await admin.fetchTopicMetadata({ topics: [topic] })
    result.partitions = md.topics[0].partitions
      .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas }))
      .sort((a, b) => a.partition - b.partition)
  } finally {
    await admin.disconnect()
  }

  const producer = kafka.producer()
  await producer.connect()
  try {
    result.plain = metadataOf(
      await producer.send({ topic, acks: -1, messages: messages('plain', 0, 10, true) })
    )
    result.gzip = metadataOf(
      await producer.send({
        topic,
        acks: -1,
        compression: CompressionTypes.GZIP,
        messages: messages('gzip', 10, 10, false),
      })
    )
    result.autoCreated = metadataOf(
      await producer.send({ topic: `${topic}-auto`, messages: messages('auto', 0, 3, false) })
    )
  } finally {
    await producer.disconnect()
  }

  const idempotent = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
  await idempotent.connect()
  try {
    result.idempotent = metadataOf(
      await idempotent.send({ topic, acks: -1, messages: messages('idem', 20, 5, false) })
    )
  } finally {
    await idempotent.disconnect()
  }

  const admin2 = kafka.admin()
  await admin2.connect()
  try {
    result.offsets = (await admin2.fetchTopicOffsets(topic))
      .map((o) => ({ partition: o.partition, low: o.low, high: o.high }))
      .sort((a, b) => a.partition - b.partition)
    result.autoOffsets = (await admin2.fetchTopicOffsets(`${topic}-auto`)).map((o) => ({
      partition: o.partition,
      low: o.low,
      high: o.high,
    }))
  } finally {
    await admin2.disconnect()
  }

  if (consume) {
    result.consumed = await consumeAll(kafka, topic, 25)
    // the group committed what it read: after 5 more records, a new consumer of the same group
    // (fromBeginning only applies without committed offsets) reads just those
    const late = kafka.producer()
    await late.connect()
    try {
      await late.send({ topic, acks: -1, messages: messages('late', 25, 5, false) })
    } finally {
      await late.disconnect()
    }
    result.resumed = await consumeAll(kafka, topic, 5)
  }
  return result
}

const [bootstrap, topic, flag] = process.argv.slice(2)
if (!bootstrap || !topic || (flag !== undefined && flag !== '--consume')) {
  process.stderr.write('usage: node roundtrip.js <bootstrap host:port> <topic> [--consume]\n')
  process.exit(2)
}
main(bootstrap, topic, flag === '--consume').then(
  (result) => {
    process.stdout.write(JSON.stringify(result) + '\n')
    process.exit(0)
  },
  (err) => {
    process.stderr.write(`roundtrip failed: ${err && err.stack ? err.stack : err}\n`)
    process.exit(1)
  }
)
