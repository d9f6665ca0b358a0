/**
 * Webhook secrets must be recoverable (the node signs with them), so they are sealed, not hashed,
 * with the node's data-sealing keyring (`Sealer`: its own key, never the event-signing key),
 * bound to the subscription id by the associated data below: a sealed secret copied to another
 * subscription does not open.
 */
export const webhookSecretAd = (subscriptionId: string): string => `platform.webhook-subscription.secret:${subscriptionId}`;
