/**
 * Kafka topic names. Cities are data: every name is derived from a city code, never hard-coded.
 * - addressed events go to the inbound topic of the city they are addressed to;
 * - public events (catalogue versions, node announcements, issuer keys, revocations) go to the
 *   public topic every city consumes;
 * - events a city rejects go to that city's dead-letter topic, with the reason in a header.
 */
export const PUBLIC_TOPIC = 'guangfo.public.events';
export const inboundTopic = (cityCode: string): string => `guangfo.city.${cityCode}.inbound`;
export const deadLetterTopic = (cityCode: string): string => `guangfo.city.${cityCode}.deadletter`;
export const consumerGroup = (cityCode: string): string => `guangfo-node-${cityCode}`;
