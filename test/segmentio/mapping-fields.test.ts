// The fields a Segment message maps to (EDX-BEHAVIOR §4.3 steps 4-10): application,
// client, agent, the properties.context overlay, org_id, label, course_id, ip and the
// payload, as tracking.log events through an Express 5 app.
import {
  USER_AGENT,
  USER_ID,
  USERNAME,
  makeHarness,
  onlyLegacy,
  postMessage,
  segmentMessage,
  type Harness,
} from './helpers';

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});

/** The only legacy event, as tracking.log holds it. */
function asLoggedEvent(): unknown {
  return JSON.parse(JSON.stringify(onlyLegacy(h)));
}

describe('application', () => {
  it('is made of properties.context.app_name and context.app.version, app_name left out', async () => {
    await postMessage(h, segmentMessage());
    const context = onlyLegacy(h).context as Record<string, unknown>;
    expect(context.application).toEqual({ name: 'edx.mobile.android', version: '1.0.1' });
    expect(context).not.toHaveProperty('app_name');
  });

  it("is '' / '' without app_name and app", async () => {
    const message = segmentMessage();
    delete message.properties.context.app_name;
    delete message.context.app;
    await postMessage(h, message);
    expect(onlyLegacy(h).context).toMatchObject({ application: { name: '', version: '' } });
  });

  it('is the one properties.context gives, when it gives one (app_name still left out)', async () => {
    const application = { name: 'edx.mobileapp.iOS', version: '2.0', component: 'videoplayer' };
    await postMessage(h, segmentMessage({ context: { application } }));
    const context = onlyLegacy(h).context as Record<string, unknown>;
    expect(context.application).toEqual(application);
    expect(context).not.toHaveProperty('app_name');
  });
});

describe('client and agent', () => {
  it('copies the Segment context into client, without traits, integrations and userAgent', async () => {
    const message = segmentMessage();
    Object.assign(message.context, {
      device: { model: 'Pixel' },
      os: { name: 'Android', version: '14' },
      locale: 'fr-FR',
      traits: { email: 'a@example.com' },
      integrations: { All: true },
    });
    await postMessage(h, message);
    expect(onlyLegacy(h).context).toMatchObject({
      client: {
        library: { name: 'test-app', version: 'unknown' },
        app: { version: '1.0.1' },
        device: { model: 'Pixel' },
        os: { name: 'Android', version: '14' },
        locale: 'fr-FR',
      },
    });
    const client = (onlyLegacy(h).context as Record<string, Record<string, unknown>>).client!;
    expect(Object.keys(client)).toEqual(['library', 'app', 'device', 'os', 'locale']);
  });

  it("takes agent from context.userAgent, '' without one (hiding the request's User-Agent)", async () => {
    await postMessage(h, segmentMessage(), {}, { 'User-Agent': 'Segment.io/1.0' });
    const message = segmentMessage();
    delete message.context.userAgent;
    await postMessage(h, message, {}, { 'User-Agent': 'Segment.io/1.0' });
    expect(h.legacy.events.map((e) => e.agent)).toEqual([USER_AGENT, '']);
  });
});

describe('the properties.context overlay', () => {
  it('adds its fields to the context', async () => {
    await postMessage(h, segmentMessage({ context: { device_id: 'abc', component: 'player' } }));
    expect(onlyLegacy(h).context).toMatchObject({ device_id: 'abc', component: 'player' });
  });

  it('wins over application, client and agent', async () => {
    await postMessage(h, segmentMessage({ context: { client: { mine: true }, agent: 'overlay agent' } }));
    expect(onlyLegacy(h)).toMatchObject({ agent: 'overlay agent', context: { client: { mine: true } } });
  });

  it('cannot set event_source or session, unlike Open edX: only the server says where an event came from', async () => {
    await postMessage(h, segmentMessage({ data: { a: 1 }, context: { event_source: 'browser', session: 'a-raw-session-key' } }));
    expect(onlyLegacy(h)).toMatchObject({ event_source: 'mobile', session: '', event: { a: 1 } });
  });

  it('loses to what is set after it: user_id, username, timestamp, received_at, ip', async () => {
    const overlay = { user_id: 99, username: 'mallory', timestamp: '2000-01-01T00:00:00Z', received_at: 'x', ip: '5.6.7.8' };
    await postMessage(h, segmentMessage({ context: overlay }));
    const event = onlyLegacy(h);
    expect(JSON.parse(JSON.stringify(event))).toMatchObject({
      username: USERNAME,
      ip: '5.6.7.8',
      time: '2014-08-27T16:33:39.215000+00:00',
      context: { user_id: USER_ID, received_at: '2014-08-27T16:33:39.100000+00:00' },
    });
  });
});

describe('course, label and ip', () => {
  it('derives org_id from a valid course_id', async () => {
    await postMessage(h, segmentMessage({ courseId: 'course-v1:edX+DemoX+Demo_2014' }));
    expect(onlyLegacy(h).context).toMatchObject({ course_id: 'course-v1:edX+DemoX+Demo_2014', org_id: 'edX' });
  });

  it("still records an invalid course_id, keeping the request's org_id '' (test_invalid_course_id)", async () => {
    await postMessage(h, segmentMessage({ courseId: 'invalid' }));
    expect(onlyLegacy(h).context).toMatchObject({ course_id: 'invalid', org_id: '' });
  });

  it("keeps the request's course fields for an empty course_id", async () => {
    await postMessage(h, segmentMessage({ courseId: '' }));
    expect(onlyLegacy(h).context).toMatchObject({ course_id: '', org_id: '', enterprise_uuid: '' });
  });

  it('puts properties.label and properties.course_id into the context (the org_id comes from properties.context.course_id only)', async () => {
    const message = segmentMessage({ courseId: 'foo/bar/baz', label: 'Screen: Course Outline' });
    message.properties.course_id = 'course-v1:other+C+R';
    await postMessage(h, message);
    expect(onlyLegacy(h).context).toMatchObject({ label: 'Screen: Course Outline', course_id: 'course-v1:other+C+R', org_id: 'foo' });
  });

  it('takes ip from properties.context.ip', async () => {
    await postMessage(h, segmentMessage({ context: { ip: '1.2.3.4' } }));
    expect(onlyLegacy(h).ip).toBe('1.2.3.4');
  });
});

describe('null values', () => {
  it("keeps a null app_name, app.version, userAgent or ip as null (Python's dict.get default is for a missing key only)", async () => {
    const message = segmentMessage({ context: { app_name: null, ip: null } });
    message.context.app = { version: null };
    message.context.userAgent = null;
    await postMessage(h, message);
    expect(asLoggedEvent()).toMatchObject({ agent: null, ip: null, context: { application: { name: null, version: null } } });
  });
});

describe('the payload and the legacy fields', () => {
  it('keeps the payload a dict (not a JSON string), nested values included', async () => {
    const data = { foo: 'bar', nested: { list: [1, 'two'], none: null }, unicode: 'é✓' };
    await postMessage(h, segmentMessage({ data }));
    expect(onlyLegacy(h).event).toEqual(data);
  });

  it('records an empty payload as {}', async () => {
    await postMessage(h, segmentMessage({ data: {} }));
    expect(onlyLegacy(h).event).toEqual({});
  });

  it("sets event_source 'mobile', event_type = name and page null in the legacy event", async () => {
    await postMessage(h, segmentMessage({ name: 'edx.bi.app.course.viewed' }));
    expect(onlyLegacy(h)).toMatchObject({ name: 'edx.bi.app.course.viewed', event_type: 'edx.bi.app.course.viewed', event_source: 'mobile', page: null });
  });
});
