package dev.meridian.conformance;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Set;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

/** What a broker advertises in ApiVersions, asked over a plain socket. */
final class BrokerApis {
  private static final short VERSION = 3;

  private BrokerApis() {}

  /** The API keys {@code bootstrap} (host:port) advertises. */
  static Set<ApiKeys> advertised(String bootstrap) throws IOException {
    int colon = bootstrap.lastIndexOf(':');
    try (Socket socket =
        new Socket(
            bootstrap.substring(0, colon), Integer.parseInt(bootstrap.substring(colon + 1)))) {
      socket.setSoTimeout(10_000);
      ByteBuffer request =
          new ApiVersionsRequest.Builder()
              .build(VERSION)
              .serializeWithHeader(
                  new RequestHeader(ApiKeys.API_VERSIONS, VERSION, "meridian-conformance", 1));
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      out.writeInt(request.remaining());
      out.write(request.array(), request.arrayOffset() + request.position(), request.remaining());
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] response = new byte[in.readInt()];
      in.readFully(response);
      ByteBuffer buf = ByteBuffer.wrap(response);
      ResponseHeader.parse(buf, ApiKeys.API_VERSIONS.responseHeaderVersion(VERSION));
      Set<ApiKeys> keys = EnumSet.noneOf(ApiKeys.class);
      for (ApiVersionsResponseData.ApiVersion v :
          ApiVersionsResponse.parse(new ByteBufferAccessor(buf), VERSION).data().apiKeys()) {
        if (ApiKeys.hasId(v.apiKey())) {
          keys.add(ApiKeys.forId(v.apiKey()));
        }
      }
      return keys;
    }
  }
}
