package dev.meridian.conformance;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * One request to one node over a plain socket, with kafka-clients' own request and response
 * classes: for scenarios that must address a particular node, which the Admin client does not allow
 * (it picks the controller or the least loaded node itself).
 */
final class RawKafka {
  private RawKafka() {}

  /**
   * Sends CreateTopics (v7) for one topic to {@code host:port} and returns the topic's result.
   *
   * @param readTimeoutMs how long to wait for the answer
   */
  static CreateTopicsResponseData.CreatableTopicResult createTopic(
      String host, int port, String name, int partitions, short rf, int readTimeoutMs)
      throws IOException {
    short version = 7;
    CreateTopicsRequestData data =
        new CreateTopicsRequestData().setTimeoutMs(readTimeoutMs).setValidateOnly(false);
    data.topics()
        .add(
            new CreateTopicsRequestData.CreatableTopic()
                .setName(name)
                .setNumPartitions(partitions)
                .setReplicationFactor(rf));
    RequestHeader header = new RequestHeader(ApiKeys.CREATE_TOPICS, version, "raw-kafka", 1);
    ByteBuffer request =
        new CreateTopicsRequest.Builder(data).build(version).serializeWithHeader(header);
    AbstractResponse parsed = exchange(host, port, request, header, readTimeoutMs);
    List<CreateTopicsResponseData.CreatableTopicResult> results =
        List.copyOf(((CreateTopicsResponse) parsed).data().topics());
    return results.get(0);
  }

  /**
   * Sends Produce (v9) of one record to partition {@code partition} of {@code topic} at {@code
   * host:port} with acks=all and the broker-side {@code timeoutMs}; returns the partition's error.
   */
  static Errors produce(
      String host, int port, String topic, int partition, int timeoutMs, int readTimeoutMs)
      throws IOException {
    short version = 9;
    ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(timeoutMs);
    ProduceRequestData.TopicProduceData t =
        new ProduceRequestData.TopicProduceData().setName(topic);
    t.partitionData()
        .add(
            new ProduceRequestData.PartitionProduceData()
                .setIndex(partition)
                .setRecords(
                    MemoryRecords.withRecords(
                        Compression.NONE,
                        new SimpleRecord("raw".getBytes(StandardCharsets.UTF_8)))));
    data.topicData().add(t);
    RequestHeader header = new RequestHeader(ApiKeys.PRODUCE, version, "raw-kafka", 2);
    ByteBuffer request = new ProduceRequest(data, version).serializeWithHeader(header);
    AbstractResponse parsed = exchange(host, port, request, header, readTimeoutMs);
    ProduceResponseData resp = ((ProduceResponse) parsed).data();
    return Errors.forCode(
        resp.responses().iterator().next().partitionResponses().get(0).errorCode());
  }

  private static AbstractResponse exchange(
      String host, int port, ByteBuffer request, RequestHeader header, int readTimeoutMs)
      throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 5000);
      socket.setSoTimeout(readTimeoutMs);
      OutputStream out = socket.getOutputStream();
      byte[] body = new byte[request.remaining()];
      request.get(body);
      out.write(ByteBuffer.allocate(4).putInt(body.length).array());
      out.write(body);
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] response = new byte[in.readInt()];
      in.readFully(response);
      return AbstractResponse.parseResponse(ByteBuffer.wrap(response), header);
    }
  }
}
