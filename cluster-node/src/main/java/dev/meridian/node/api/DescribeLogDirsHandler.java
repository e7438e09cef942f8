package dev.meridian.node.api;

import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import dev.meridian.node.replication.Partition;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeLogDirs 1–5 ({@code kafka-log-dirs}, {@code kafka-reassign-partitions}): this node's one
 * log directory with every replica it hosts (or those asked for), each with its size on disk and
 * offset lag (the high watermark it knows minus its log end, at least 0; Kafka's rule for current
 * replicas), never a future replica (a node has one directory); from v4 the volume's total and
 * usable bytes. Sizes and the volume are read on a worker.
 */
public final class DescribeLogDirsHandler implements ApiHandler {
  private final BrokerContext broker;

  public DescribeLogDirsHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.DESCRIBE_LOG_DIRS;
  }

  @Override
  public short maxVersion() {
    return 5;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    DescribeLogDirsRequestData req = request.data();
    return broker.blocking(() -> describe(req));
  }

  private ApiMessage describe(DescribeLogDirsRequestData req) {
    Set<String> wanted = null;
    if (req.topics() != null) {
      wanted = new HashSet<>();
      for (DescribeLogDirsRequestData.DescribableLogDirTopic t : req.topics()) {
        for (int p : t.partitions()) {
          wanted.add(t.topic() + "-" + p);
        }
      }
    }
    Map<String, DescribeLogDirsResponseData.DescribeLogDirsTopic> topics = new LinkedHashMap<>();
    List<Partition> hosted =
        broker.replicas().partitions().stream()
            .sorted(Comparator.comparing(Partition::topic).thenComparing(Partition::index))
            .toList();
    for (Partition p : hosted) {
      if (wanted != null && !wanted.contains(p.topic() + "-" + p.index())) {
        continue;
      }
      long lag = Math.max(0, p.highWatermark() - p.logEndOffset());
      topics
          .computeIfAbsent(
              p.topic(), n -> new DescribeLogDirsResponseData.DescribeLogDirsTopic().setName(n))
          .partitions()
          .add(
              new DescribeLogDirsResponseData.DescribeLogDirsPartition()
                  .setPartitionIndex(p.index())
                  .setPartitionSize(p.sizeBytes())
                  .setOffsetLag(lag)
                  .setIsFutureKey(false));
    }
    Path dir = broker.replicas().logDir().toAbsolutePath();
    DescribeLogDirsResponseData.DescribeLogDirsResult result =
        new DescribeLogDirsResponseData.DescribeLogDirsResult()
            .setErrorCode(Errors.NONE.code())
            .setLogDir(dir.toString())
            .setTopics(List.copyOf(topics.values()));
    try {
      FileStore store = Files.getFileStore(dir);
      result.setTotalBytes(store.getTotalSpace()).setUsableBytes(store.getUsableSpace());
    } catch (IOException e) {
      result.setTotalBytes(-1).setUsableBytes(-1);
    }
    DescribeLogDirsResponseData resp =
        new DescribeLogDirsResponseData().setErrorCode(Errors.NONE.code());
    resp.results().add(result);
    return resp;
  }
}
