package dev.meridian.node.link;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;

/** The resilience4j guards every link has: a circuit breaker on its source, a byte rate limit. */
final class LinkGuards {
  private LinkGuards() {}

  /** Opens at half of the last 20 calls failing (at least 5), half-opens after 5 s. */
  static CircuitBreaker breaker(String linkName) {
    return CircuitBreaker.of(
        "link-" + linkName,
        CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(20)
            .minimumNumberOfCalls(5)
            .failureRateThreshold(50)
            .waitDurationInOpenState(Duration.ofSeconds(5))
            .permittedNumberOfCallsInHalfOpenState(2)
            .automaticTransitionFromOpenToHalfOpenEnabled(true)
            .build());
  }

  /** A limit of {@code bytesPerSecond} in 100 ms slices, or null for 0 (unlimited). */
  static RateLimiter rateLimiter(String linkName, long bytesPerSecond) {
    return bytesPerSecond <= 0
        ? null
        : RateLimiter.of(
            "link-" + linkName,
            RateLimiterConfig.custom()
                .limitRefreshPeriod(Duration.ofMillis(100))
                .limitForPeriod((int) Math.max(1, Math.min(Integer.MAX_VALUE, bytesPerSecond / 10)))
                .timeoutDuration(Duration.ofMinutes(1))
                .build());
  }
}
