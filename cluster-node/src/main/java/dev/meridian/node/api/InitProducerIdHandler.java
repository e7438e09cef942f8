package dev.meridian.node.api;

import dev.meridian.node.cluster.ProducerIdManager;
import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import dev.meridian.node.protocol.RefusalLog;
import io.vertx.core.Future;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * InitProducerId 0–5 for idempotent producers: always a fresh producer id, unique in the region and
 * across restarts (from blocks the controller hands to each node; a retriable error while no block
 * can be had); a producer that re-initialises after an error (KIP-360) simply gets a new one, as
 * Kafka does without a transactional id. Transactions are not supported: a transactional id gets a
 * fatal TRANSACTIONAL_ID_AUTHORIZATION_FAILED at once, so the client fails clearly instead of
 * waiting, and a WARN line through {@link RefusalLog} names the client.
 */
public final class InitProducerIdHandler implements ApiHandler {
  private final BrokerContext broker;

  public InitProducerIdHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.INIT_PRODUCER_ID;
  }

  @Override
  public short maxVersion() {
    return 5;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    InitProducerIdRequestData req = request.data();
    if (req.transactionalId() != null) {
      RefusalLog.WARN.refused(
          request,
          "transactions",
          "transactional id '"
              + req.transactionalId()
              + "': Meridian does not support transactions (answered"
              + " TRANSACTIONAL_ID_AUTHORIZATION_FAILED)");
      return Future.succeededFuture(
          new InitProducerIdResponseData()
              .setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code())
              .setProducerId(-1)
              .setProducerEpoch((short) -1));
    }
    return broker.blocking(
        () -> {
          try {
            return new InitProducerIdResponseData()
                .setProducerId(broker.producerIds().nextId())
                .setProducerEpoch((short) 0);
          } catch (ProducerIdManager.UnavailableException e) {
            return new InitProducerIdResponseData()
                .setErrorCode(e.error().code())
                .setProducerId(-1)
                .setProducerEpoch((short) -1);
          }
        });
  }
}
