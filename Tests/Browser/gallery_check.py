#!/usr/bin/env python3
"""Drives headless Chromium (Debian's package) over the DevTools protocol on a pipe (no extra Python packages)
against a running EachVault, and prints what it saw as JSON. Used by GalleryBrowserTests.

usage: gallery_check.py BASE_URL TEAM_TOKEN QUERY DETAIL_ID [SCREENSHOT_DIR]

Signs in through the sign-in form as a person would (so the form token and its cookie are exercised).
"""
import base64, json, os, struct, subprocess, sys, tempfile, zlib

base, token, query, detail_id = sys.argv[1:5]
shots = sys.argv[5] if len(sys.argv) > 5 else None

to_chrome_r, to_chrome_w = os.pipe()
from_chrome_r, from_chrome_w = os.pipe()
profile = tempfile.mkdtemp(prefix="eachvault-chromium-")


def child_fds():
    # Chromium reads commands on fd 3 and answers on fd 4. os.pipe() descriptors are close-on-exec, and dup2 onto
    # the same number keeps that flag: make both inheritable explicitly.
    os.dup2(to_chrome_r, 3)
    os.dup2(from_chrome_w, 4)
    os.set_inheritable(3, True)
    os.set_inheritable(4, True)


chrome = subprocess.Popen(
    ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
     "--remote-debugging-pipe", f"--user-data-dir={profile}", "--window-size=1280,900", "about:blank"],
    preexec_fn=child_fds, close_fds=False,
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.close(to_chrome_r)
os.close(from_chrome_w)
writer = os.fdopen(to_chrome_w, "wb")
reader = os.fdopen(from_chrome_r, "rb")
next_id = 0
buffered = b""
events = []


def receive():
    global buffered
    while b"\0" not in buffered:
        chunk = reader.read1(65536)
        if not chunk:
            raise SystemExit("chromium closed the pipe")
        buffered += chunk
    message, buffered = buffered.split(b"\0", 1)
    return json.loads(message)


def call(method, params=None, session_id=None):
    global next_id
    next_id += 1
    message = {"id": next_id, "method": method, "params": params or {}}
    if session_id:
        message["sessionId"] = session_id
    writer.write(json.dumps(message).encode() + b"\0")
    writer.flush()
    while True:
        answer = receive()
        if "method" in answer:
            events.append(answer)  # kept for wait_for: an event may arrive before the answer it follows from
        if answer.get("id") == next_id:
            if "error" in answer:
                raise SystemExit(f"{method}: {answer['error']}")
            return answer.get("result", {})


def wait_for(event, session_id):
    while True:
        message = events.pop(0) if events else receive()
        if message.get("method") == event and message.get("sessionId") == session_id:
            return message


def evaluate(expression, session_id):
    result = call("Runtime.evaluate", {"expression": expression, "awaitPromise": True, "returnByValue": True},
                  session_id)
    return result.get("result", {}).get("value")


def visit(url, session_id):
    events.clear()
    call("Page.navigate", {"url": url}, session_id)
    wait_for("Page.loadEventFired", session_id)


KEY_CODES = {"ArrowLeft": 37, "ArrowUp": 38, "ArrowRight": 39, "ArrowDown": 40, "Escape": 27, "Enter": 13, "x": 88}


def press(key, session_id):
    """A real key press, as the keyboard sends it (the page's own listeners and default actions see it)."""
    down = {"type": "keyDown", "key": key, "code": "KeyX" if key == "x" else key,
            "windowsVirtualKeyCode": KEY_CODES[key]}
    if key == "Enter":
        down["text"] = "\r"
    elif key == "x":
        down["text"] = "x"
    call("Input.dispatchKeyEvent", down, session_id)
    call("Input.dispatchKeyEvent", {"type": "keyUp", "key": key, "code": down["code"],
                                    "windowsVirtualKeyCode": KEY_CODES[key]}, session_id)


def press_and_wait(key, session_id):
    events.clear()
    press(key, session_id)
    wait_for("Page.loadEventFired", session_id)
    return evaluate("location.pathname + location.search", session_id)


def submit_with(button_selector, session_id):
    events.clear()
    evaluate(f"document.querySelector({json.dumps(button_selector)}).click()", session_id)
    wait_for("Page.loadEventFired", session_id)
    return evaluate("location.pathname + location.search", session_id)


def png(path, width=64, height=36):
    """A real PNG (a plain gradient), as a person would pick one."""
    rows = b"".join(b"\0" + b"".join(bytes((x * 4 % 256, y * 7 % 256, 128)) for x in range(width)) for y in range(height))
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    with open(path, "wb") as file:
        file.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                   + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def until(expression, session_id, seconds=30):
    """Waits in the page (no reload) until `expression` is true; its last value."""
    return evaluate(
        f"new Promise(done => {{ const end = Date.now() + {seconds * 1000};"
        f" const look = () => {{ const v = ({expression}); if (v || Date.now() > end) done(v); else setTimeout(look, 100); }};"
        " look(); })", session_id)


def screenshot(name, session_id):
    if shots:
        data = call("Page.captureScreenshot", {"format": "png"}, session_id)["data"]
        with open(os.path.join(shots, name), "wb") as file:
            file.write(base64.b64decode(data))


try:
    target = call("Target.createTarget", {"url": "about:blank"})["targetId"]
    sid = call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    call("Page.enable", session_id=sid)
    call("Network.enable", session_id=sid)
    out = {}
    visit(f"{base}/login", sid)
    evaluate(f"document.querySelector('#token').value = {json.dumps(token)}", sid)
    events.clear()
    evaluate("document.querySelector('form[action=\"/login\"]').submit()", sid)
    wait_for("Page.loadEventFired", sid)
    out["signed_in_at"] = evaluate("location.pathname", sid)
    visit(f"{base}/?q={query}", sid)
    out["cards"] = evaluate("[...document.querySelectorAll('.card')].map(c => c.dataset.generation)", sid)
    # Cards show posters as images: each decoded, and no video fetched before anyone plays one.
    out["poster_widths"] = evaluate(
        "Promise.all([...document.querySelectorAll('.card img')].map(i => i.complete ? i.naturalWidth :"
        " new Promise(done => { i.onload = () => done(i.naturalWidth); i.onerror = () => done(0); })))", sid)
    out["card_videos"] = evaluate("document.querySelectorAll('.card video').length", sid)
    out["files_fetched"] = evaluate(
        "performance.getEntriesByType('resource').map(e => new URL(e.name).pathname).filter(p => p.startsWith('/g/files/'))", sid)
    out["durations"] = evaluate("[...document.querySelectorAll('.card .duration')].map(d => d.textContent)", sid)
    screenshot("gallery.png", sid)
    # Pointing at a card plays its preview (fetched only now); moving away removes it.
    box = evaluate("(() => { const r = document.querySelector('.card a.poster').getBoundingClientRect();"
                   " return [r.x + r.width / 2, r.y + r.height / 2]; })()", sid)
    call("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": box[0], "y": box[1]}, sid)
    out["preview_ready"] = evaluate(
        "new Promise(done => { const v = document.querySelector('.card video.preview'); if (!v) return done(-1);"
        " if (v.readyState >= 2) return done(v.readyState);"
        " v.addEventListener('loadeddata', () => done(v.readyState)); setTimeout(() => done(v.readyState), 5000); })", sid)
    out["preview_src"] = evaluate("(document.querySelector('.card video.preview') || {}).src || null", sid)
    call("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": 5, "y": 5}, sid)
    out["previews_after_leaving"] = evaluate("document.querySelectorAll('.card video.preview').length", sid)
    # Keys: Right twice reaches the second card, X selects it, Enter opens it; on its page Right opens the next
    # result and Escape returns to the results.
    press("ArrowRight", sid)
    press("ArrowRight", sid)
    out["focused_card"] = evaluate("document.activeElement.closest('.card').dataset.generation", sid)
    press("x", sid)
    out["selected_by_key"] = evaluate(
        "[...document.querySelectorAll('.card.selected')].map(c => c.dataset.generation)", sid)
    out["opened_by_enter"] = press_and_wait("Enter", sid)
    out["next_by_arrow"] = press_and_wait("ArrowRight", sid)
    out["back_by_escape"] = press_and_wait("Escape", sid)
    visit(f"{base}/g/{detail_id}", sid)
    out["video_src"] = evaluate("document.querySelector('main video') && document.querySelector('main video').src", sid)
    out["video_poster"] = evaluate("document.querySelector('main video') && document.querySelector('main video').getAttribute('poster')", sid)
    out["range_status"] = evaluate(
        "fetch(document.querySelector('main video').src, {headers: {Range: 'bytes=0-99'}})"
        ".then(r => r.status + ' ' + r.headers.get('content-range'))", sid)
    out["video_ready"] = evaluate(
        "new Promise(done => { const v = document.querySelector('main video');"
        " if (v.readyState >= 1) return done(v.readyState);"
        " v.addEventListener('loadedmetadata', () => done(v.readyState)); setTimeout(() => done(v.readyState), 5000); })", sid)
    out["detail_prompt"] = evaluate("document.querySelector('.prompt').textContent", sid)
    out["xss_ran"] = evaluate("window.__xss === 1", sid)
    out["detail_has_sha"] = evaluate("document.body.textContent.includes('SHA-256')", sid)
    screenshot("detail.png", sid)
    visit(f"{base}/new?model=pixverse-v5-6-text-to-video", sid)
    out["form_fields"] = evaluate("[...document.querySelectorAll('.field label')].map(l => l.textContent.trim())", sid)
    out["form_selects"] = evaluate("document.querySelectorAll('.field select').length", sid)
    screenshot("new-generation.png", sid)
    visit(f"{base}/new?from={detail_id}&variation=1", sid)
    out["remake_prompt"] = evaluate("document.querySelector('textarea[name=prompt]').value", sid)
    screenshot("remake.png", sid)
    events.clear()
    evaluate("document.querySelector('form[method=post][action=\"/new\"]').submit()", sid)
    wait_for("Page.loadEventFired", sid)
    out["remade_at"] = evaluate("location.pathname", sid)
    out["remade_from"] = evaluate("(document.querySelector('a[rel=made-from]') || {}).textContent || null", sid)
    visit(f"{base}/spend", sid)
    out["spend_bars"] = evaluate("document.querySelectorAll('svg.chart rect.bar').length", sid)
    out["spend_chart_width"] = evaluate("Math.round(document.querySelector('svg.chart').getBoundingClientRect().width)", sid)
    screenshot("spend.png", sid)
    # Bulk actions on the selected cards: a tag, a share link each, and a delete after its question.
    visit(f"{base}/?q={query}", sid)
    evaluate("[...document.querySelectorAll('.card input[type=checkbox]')].slice(0, 2).forEach(b => b.click())", sid)
    out["bulk_selected"] = evaluate(
        "[...document.querySelectorAll('.card.selected')].map(c => c.dataset.generation)", sid)
    evaluate("document.querySelector('#bulk input[name=tag]').value = 'keeper'", sid)
    out["tagged_back_at"] = submit_with("#bulk button[value=tag]", sid)
    out["tagged_cards"] = evaluate(
        "[...document.querySelectorAll('.card')].filter(c => [...c.querySelectorAll('.tag')]"
        ".some(t => t.textContent === 'keeper')).map(c => c.dataset.generation)", sid)
    screenshot("bulk.png", sid)
    evaluate("document.querySelector('#bulk .select-all').click()", sid)
    out["all_selected"] = evaluate("[document.querySelectorAll('.card.selected').length, document.querySelectorAll('.card').length]", sid)
    evaluate("document.querySelector('#bulk .select-all').click()", sid)
    out["none_selected"] = evaluate("document.querySelectorAll('.card input:checked').length", sid)
    evaluate("[...document.querySelectorAll('.card input[type=checkbox]')].slice(0, 2).forEach(b => b.click())", sid)
    submit_with("#bulk button[value=share]", sid)
    out["share_links"] = evaluate("[...document.querySelectorAll('a.share-link')].map(a => a.href)", sid)
    out["share_text"] = evaluate("document.querySelector('textarea.all-links').value", sid)
    # The share page unfurls in chat apps: Open Graph and Twitter card tags, the poster on the player.
    visit(out["share_links"][0], sid)
    out["share_meta"] = evaluate(
        "Object.fromEntries([...document.querySelectorAll('meta[property^=\"og:\"], meta[name^=\"twitter:\"]')]"
        ".map(m => [m.getAttribute('property') || m.getAttribute('name'), m.content]))", sid)
    out["share_poster"] = evaluate("document.querySelector('main video').getAttribute('poster')", sid)
    out["share_poster_width"] = evaluate(
        "new Promise(done => { const i = new Image(); i.onload = () => done(i.naturalWidth); i.onerror = () => done(0);"
        " i.src = document.querySelector('meta[property=\"og:image\"]').content; })", sid)
    screenshot("share.png", sid)
    # A new image-to-video generation from a file picked on the form: uploaded, referenced, thumbnailed.
    picture = os.path.join(profile, "heron.png")
    png(picture)
    visit(f"{base}/new?model=pixverse-v5-6-image-to-video", sid)
    out["upload_labels"] = evaluate("[...document.querySelectorAll('.field label')].map(l => l.textContent.trim())", sid)
    document = call("DOM.getDocument", {}, sid)["root"]["nodeId"]
    picker = call("DOM.querySelector", {"nodeId": document, "selector": ".upload[data-upload='f-image_url'] input[type=file]"}, sid)
    call("DOM.setFileInputFiles", {"files": [picture], "nodeId": picker["nodeId"]}, sid)
    out["uploaded_reference"] = until(
        "document.querySelector('#f-image_url').value.startsWith('sha256:') && document.querySelector('#f-image_url').value", sid)
    out["upload_thumb_width"] = evaluate(
        "new Promise(done => { const i = document.querySelector('.upload img.thumbnail'); if (!i) return done(0);"
        " if (i.complete) return done(i.naturalWidth); i.onload = () => done(i.naturalWidth); })", sid)
    screenshot("new-upload.png", sid)
    evaluate("document.querySelector('textarea[name=prompt]').value = 'a heron lifting off a misty river'", sid)
    out["uploaded_at"] = submit_with("form[method=post][action='/new'] button[type=submit]", sid)
    created = out["uploaded_at"].rsplit("/", 1)[-1]
    # The gallery, left open: the new card goes from pending to completed by itself, without a reload.
    visit(f"{base}/", sid)
    evaluate("window.__stayed = 1", sid)
    card = f".card[data-generation='{created}']"
    out["live_before"] = evaluate(f"document.querySelector(\"{card}\").dataset.status", sid)
    out["live_after"] = until(f"document.querySelector(\"{card}\").dataset.status === 'completed' && 'completed'", sid)
    out["live_no_reload"] = evaluate("window.__stayed === 1", sid)
    out["live_cost"] = evaluate(f"(document.querySelector(\"{card} [data-cost]\") || {{}}).textContent || null", sid)
    # A star on the card (a form: works without script), then the favourites filter finds only it.
    submit_with(f"{card} form.star button", sid)
    out["starred"] = evaluate(f"document.querySelector(\"{card} button.star\").getAttribute('aria-pressed')", sid)
    visit(f"{base}/?favourite=true", sid)
    out["favourite_cards"] = evaluate("[...document.querySelectorAll('.card')].map(c => c.dataset.generation)", sid)
    # A named collection: made on its page, filled from the gallery's bulk bar, shared as one link whose page plays
    # both videos, and opened as the gallery filtered to it.
    visit(f"{base}/collections", sid)
    evaluate("document.querySelector('form[data-new-collection] input[name=name]').value = 'spring reel'", sid)
    submit_with("form[data-new-collection] button[type=submit]", sid)
    collection = evaluate("(document.querySelector('tr[data-collection]') || {dataset: {}}).dataset.collection || null", sid)
    visit(f"{base}/?q={query}", sid)
    evaluate("[...document.querySelectorAll('.card input[type=checkbox]')].slice(0, 2).forEach(b => b.click())", sid)
    out["collected"] = evaluate("[...document.querySelectorAll('.card.selected')].map(c => c.dataset.generation)", sid)
    out["collected_back_at"] = submit_with("#bulk button[value=collect]", sid)
    visit(f"{base}/collections", sid)
    submit_with(f"tr[data-collection='{collection}'] button[data-share]", sid)
    out["collection_link"] = evaluate("(document.querySelector('a[data-link]') || {}).href || null", sid)
    screenshot("collections.png", sid)
    visit(out["collection_link"], sid)
    out["collection_page_items"] = evaluate("document.querySelectorAll('figure[data-item] video').length", sid)
    out["collection_page_title"] = evaluate("document.querySelector('meta[property=\"og:title\"]').content", sid)
    screenshot("share-collection.png", sid)
    visit(f"{base}/?collection={collection}", sid)
    out["collection_heading"] = evaluate("document.querySelector('h1[data-collection]').textContent", sid)
    out["collection_cards"] = evaluate("[...document.querySelectorAll('.card')].map(c => c.dataset.generation)", sid)
    # Its page: tags and a note edited there.
    visit(f"{base}/g/{created}", sid)
    evaluate("document.querySelector('form.annotate input[name=tags]').value = 'birds, river'", sid)
    evaluate("document.querySelector('form.annotate textarea[name=note]').value = 'for the spring campaign'", sid)
    submit_with("form.annotate button[type=submit]", sid)
    out["edited_tags"] = evaluate("[...document.querySelectorAll('td.tags a.tag')].map(a => a.textContent)", sid)
    out["edited_note"] = evaluate("document.querySelector('form.annotate textarea[name=note]').value", sid)
    # Team settings: an endpoint added (its secret shown once), disabled, its deliveries page; a token made and revoked
    # (the session's token holds the admin scope).
    visit(f"{base}/settings", sid)
    evaluate("document.querySelector('form[action=\"/settings/endpoints\"] input[name=url]').value = 'https://hooks.example.com/eachvault'", sid)
    submit_with("form[action='/settings/endpoints'] button[type=submit]", sid)
    out["endpoint_secret"] = evaluate("(document.querySelector('[data-secret]') || {}).textContent || null", sid)
    out["endpoint_rows"] = evaluate("document.querySelectorAll('tr[data-endpoint]').length", sid)
    submit_with("tr[data-endpoint] button[data-toggle]", sid)
    out["endpoint_state"] = evaluate("document.querySelector('tr[data-endpoint] td:nth-child(3)').textContent.trim()", sid)
    endpoint = evaluate("document.querySelector('tr[data-endpoint]').dataset.endpoint", sid)
    visit(f"{base}/settings/endpoints/{endpoint}", sid)
    out["deliveries_heading"] = evaluate("document.querySelector('h1').textContent", sid)
    visit(f"{base}/settings", sid)
    evaluate("document.querySelector('form[action=\"/settings/tokens\"] input[name=name]').value = 'browser'", sid)
    submit_with("form[action='/settings/tokens'] button[type=submit]", sid)
    out["token_secret"] = evaluate("(document.querySelector('[data-secret]') || {}).textContent || null", sid)
    made = evaluate("[...document.querySelectorAll('tr[data-token]')].find(r => r.children[1].textContent === 'browser').dataset.token", sid)
    evaluate("window.confirm = () => true", sid)
    submit_with(f"tr[data-token='{made}'] button.danger", sid)
    out["token_revoked"] = evaluate(f"document.querySelector(\"tr[data-token='{made}']\").textContent.includes('revoked')", sid)
    screenshot("settings.png", sid)  # after the revoke: no secret on the page any more
    visit(f"{base}/?q=city", sid)
    evaluate("document.querySelector('.card input[type=checkbox]').click()", sid)
    out["delete_question_at"] = submit_with("#bulk button[value=delete]", sid)
    out["delete_listed"] = evaluate("document.querySelectorAll('ul.shares li').length", sid)
    out["deleted_back_at"] = submit_with("button[value=delete-confirmed]", sid)
    out["cards_after_delete"] = evaluate("document.querySelectorAll('.card').length", sid)
    # Chinese first: the browser asks for it; prompts stay as written; the switch to English is remembered.
    call("Network.setExtraHTTPHeaders", {"headers": {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}}, sid)
    visit(f"{base}/?q={query}", sid)
    out["zh_lang"] = evaluate("document.documentElement.lang", sid)
    out["zh_nav"] = evaluate("[...document.querySelectorAll('header a')].map(a => a.textContent)", sid)
    out["zh_prompts"] = evaluate("[...document.querySelectorAll('.card .body strong')].map(s => s.textContent)", sid)
    out["zh_dates"] = evaluate("[...document.querySelectorAll('.card .meta')].map(m => m.textContent)", sid)
    screenshot("gallery-zh.png", sid)
    visit(out["share_links"][0], sid)
    out["zh_share_footer"] = evaluate("document.querySelectorAll('main p.meta')[2].textContent", sid)
    visit(f"{base}/collections", sid)
    out["zh_collections_heading"] = evaluate("document.querySelector('h1').textContent", sid)
    visit(out["collection_link"], sid)
    out["zh_collection_count"] = evaluate("document.querySelector('[data-count]').textContent", sid)
    visit(f"{base}/spend", sid)
    out["zh_spend_heading"] = evaluate("document.querySelector('h1').textContent", sid)
    screenshot("spend-zh.png", sid)
    out["switched_at"] = submit_with("a.lang-switch", sid)
    out["switched_lang"] = evaluate("document.documentElement.lang", sid)
    visit(f"{base}/", sid)
    out["remembered_lang"] = evaluate("document.documentElement.lang", sid)
    call("Network.setExtraHTTPHeaders", {"headers": {}}, sid)
    # A phone-sized screen: no page is wider than the screen.
    call("Emulation.setDeviceMetricsOverride",
         {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}, session_id=sid)
    widths = {}
    for path in ["/", f"/g/{detail_id}", "/spend", "/new?model=pixverse-v5-6-text-to-video"]:
        visit(f"{base}{path}", sid)
        widths[path] = evaluate("document.documentElement.scrollWidth", sid)
    out["phone_widths"] = widths
    visit(f"{base}/", sid)
    screenshot("phone.png", sid)
    print(json.dumps(out))
finally:
    chrome.kill()
    chrome.wait()
