/**
 * eventtracking: the Open edX event-tracking system for Node.js.
 * @packageDocumentation
 */
export { Tracker, UNKNOWN_EVENT_TYPE } from './core/tracker';
export type { TrackerOptions, TrackerStats } from './core/tracker';
export { tracker, emit, getTracker, registerTracker, unregisterTracker, findTracker, DEFAULT_TRACKER_NAME } from './core/registry';
export type { DefaultTrackerApi } from './core/registry';
export { ContextFrame, asyncContextLocator, openContextFrame, openRequestFrame } from './core/context';
export type { ContextLocator } from './core/context';
export { RoutingBackend } from './core/routing';
export type { RoutingBackendOptions } from './core/routing';
export { EventEmissionExit, describeFailure, logFailure } from './core/errors';
export { createTracker } from './config/create-tracker';
export { registerEngine, engineNames } from './config/engine-registry';
export type { EngineFactory, EngineRegistration } from './config/engine-registry';
export type { EngineSpec, TrackerConfig } from './config/create-tracker';
export { edxDefaults } from './config/edx-defaults';
export type { EdxDefaultsOptions } from './config/edx-defaults';
export { LegacyFieldMappingProcessor, CONTEXT_FIELDS_TO_INCLUDE } from './processors/legacy-field-mapping';
export { NameWhitelistProcessor } from './processors/name-whitelist';
export type { NameWhitelistOptions } from './processors/name-whitelist';
export { RegexFilterProcessor } from './processors/regex-filter';
export type { RegexFilterOptions } from './processors/regex-filter';
export { LoggerBackend } from './backends/logger';
export type { LoggerBackendOptions } from './backends/logger';
export { TrackingLogTransport } from './backends/tracking-log-transport';
export type { TrackingLogTransportOptions } from './backends/tracking-log-transport';
export { MemoryBackend } from './backends/memory';
export { EventTime, formatIsoTime, now } from './encoding/timestamp';
export { encodeJson } from './encoding/json';
export type { JsonStyle } from './encoding/json';
export type {
  Backend,
  Context,
  ErrorReporter,
  FailureInfo,
  FailureStage,
  Processor,
  ProcessorFunction,
  TrackedEvent,
} from './core/types';
export { serverTrack } from './views/server-track';
export type { ServerTrackRequest } from './views/server-track';
export { taskTrack } from './views/task-track';
export type { TaskRequestInfo } from './views/task-track';
export { courseContextFromUrl } from './request/course';
export { CMS_IGNORE_URL_PATTERNS, LMS_IGNORE_URL_PATTERNS } from './request/ignore';
export { parseCourseKey } from './keys/course-key';
export type { CourseContext } from './request/course';
export type { CourseKey } from './keys/course-key';
export { PrefixedEventProcessor } from './processors/prefixed-event';
export type { PrefixedEventProcessorOptions } from './processors/prefixed-event';
export { EventTransformer } from './processors/transformers/base';
export type { EventTransformerClass, TransformerOptions } from './processors/transformers/base';
export { TransformerRegistry, TransformerNotFoundError } from './processors/transformers/registry';
export { transformerRegistry, registerTransformer } from './processors/transformers/default-registry';
export {
  SequenceTabSelectedEventTransformer,
  LinearSequenceEventTransformer,
  NextSelectedEventTransformer,
  PreviousSelectedEventTransformer,
} from './processors/transformers/sequence';
export { VideoEventTransformer, VIDEO_EVENT_TYPES } from './processors/transformers/video';
export { ForumThreadViewedEventTransformer, FORUM_THREAD_VIEWED_LABEL, BI_SCREEN_VIEWED_NAME } from './processors/transformers/forum-thread-viewed';
export { parseUsageKey, usageKeyHtmlId } from './keys/usage-key';
export type { UsageKey } from './keys/usage-key';
export {
  createNewEventTransactionId,
  getEventTransactionId,
  setEventTransactionId,
  getEventTransactionType,
  setEventTransactionType,
  eventTransactionFields,
} from './core/event-transaction';
export type { EventTransactionFields } from './core/event-transaction';
export { SEGMENTIO_CONTEXT_NAME, SEGMENTIO_ERRORS, SegmentioValidationError } from './views/segmentio';
export type { SegmentioMappingOptions, SegmentioUser } from './views/segmentio';
export { GoogleAnalyticsProcessor } from './processors/google-analytics';
export { SegmentBackend } from './segment/segment-backend';
export type { SegmentBackendOptions, SegmentClientOptions } from './segment/segment-backend';
export { segment, configureSegment, configuredSegment, findSegmentBackend } from './segment/direct';
export { buildSegmentContext } from './segment/context';
export type { SegmentContext } from './segment/context';
export type { EdxSegmentOptions } from './config/edx-defaults';
export { EventBusBackend } from './bus/event-bus-backend';
export type { EventBusBackendOptions } from './bus/event-bus-backend';
export { EventBusConsumer, createEventBusConsumer } from './bus/consumer';
export type { EventBusConsumerOptions, EventBusConsumerStats } from './bus/consumer';
export { RedisStreamTransport } from './bus/redis-transport';
export type { RedisStreamTransportOptions, RedisClientLike } from './bus/redis-transport';
export { NatsJetStreamTransport } from './bus/nats-transport';
export type { NatsJetStreamTransportOptions, NatsConnectionLike } from './bus/nats-transport';
export { createBusTransport, eventBusBackendEngine } from './bus/from-config';
export type { BusTransportSpec, EventBusEngineOptions } from './bus/from-config';
export { encodeEnvelope, decodeEnvelope, ENVELOPE_VERSION } from './bus/envelope';
export type { DecodedEnvelope } from './bus/envelope';
export { openedxStreamName, OPENEDX_TRACKING_EVENT_TYPE, OPENEDX_ANALYTICS_TOPIC, TRACKING_EVENT_EMITTED_SCHEMA } from './bus/openedx-format';
export type { TrackingLogData } from './bus/openedx-format';
export type { BusTransport, BusRecord, BusMessage, ReadOptions, ClaimOptions, DeadLetterInfo } from './bus/transport';
export type { EdxBusOptions } from './config/edx-defaults';
export { RedactProcessor } from './processors/redact';
export type { RedactProcessorOptions } from './processors/redact';
export { PasswordCensorProcessor } from './processors/censor-passwords';
export type { PasswordCensorOptions } from './processors/censor-passwords';
export { isPasswordKey, PASSWORD_KEYS, CENSORED_VALUE } from './processors/password-keys';
export { SENSITIVE_KEYS } from './processors/sensitive-names';
export { gracefulShutdown, onShutdownSignals, trackServer } from './operations/shutdown';
export type { GracefulShutdownOptions, ShutdownReport, ShutdownServer, ShutdownSignalOptions } from './operations/shutdown';
export { readTrackingLog } from './operations/reader';
export type { ReadTrackingLogOptions, SkippedLine, SkippedLineReason, TrackingLogReadStats, TrackingLogReader } from './operations/reader';
export { defineOptions, option, OptionsError, OptionsSchema } from './core/options';
export type { OptionFields, OptionPath, OptionType, OptionsOf, TypeOfOption } from './core/options';
