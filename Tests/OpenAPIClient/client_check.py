"""Generates a Python client from EachVault's served OpenAPI document with openapi-python-client (PyPI) and uses it,
unmodified, to plan, create, wait for, search, share and download a generation against the running service.

Usage: client_check.py BASE_URL TOKEN MODEL. Prints what it saw as JSON; exits non-zero on any failure.
"""

import hashlib
import json
import pathlib
import subprocess
import sys
import tempfile
import time
import urllib.request


def main() -> None:
    base_url, token, model = sys.argv[1:4]
    work = pathlib.Path(tempfile.mkdtemp(prefix="eachvault-client-"))
    document = urllib.request.urlopen(base_url + "/openapi.json", timeout=30).read()
    (work / "openapi.json").write_bytes(document)
    (work / "config.yml").write_text("post_hooks: []\npackage_name_override: eachvault_client\n")
    generated = subprocess.run(
        ["openapi-python-client", "generate", "--path", str(work / "openapi.json"), "--config",
         str(work / "config.yml"), "--meta", "none", "--output-path", str(work / "eachvault_client")],
        capture_output=True, text=True, timeout=300)
    if generated.returncode != 0:
        sys.exit("generation failed: " + generated.stdout[-2000:] + generated.stderr[-2000:])
    sys.path.insert(0, str(work))

    from eachvault_client import AuthenticatedClient
    from eachvault_client.api.files import get_file
    from eachvault_client.api.generations import create_generation, get_generation, plan_generation, search_generations
    from eachvault_client.api.shares import share_generation
    from eachvault_client.models import GenerationRequest, GenerationRequestInput, GenerationStatus, ShareRequest

    server = json.loads(document)["servers"][0]["url"]
    client = AuthenticatedClient(base_url=server, token=token, raise_on_unexpected_status=True)
    request = GenerationRequest(
        model=model, input_=GenerationRequestInput.from_dict({"prompt": "a heron standing in a misty river"}))
    plan = plan_generation.sync(client=client, body=request)
    created = create_generation.sync(client=client, body=request)
    deadline = time.monotonic() + 60
    generation = created
    while generation.status not in (GenerationStatus.COMPLETED, GenerationStatus.FAILED, GenerationStatus.CANCELLED):
        if time.monotonic() > deadline:
            sys.exit(f"{created.id} still {generation.status} after 60 s")
        time.sleep(0.2)
        generation = get_generation.sync(client=client, id=created.id)
    page = search_generations.sync(client=client, q="heron")
    share = share_generation.sync(client=client, id=created.id, body=ShareRequest(expires_in_s=3600))
    asset = generation.assets[0]
    file = get_file.sync(client=client, sha256=asset.sha256)
    print(json.dumps({
        "server": server,
        "plan_valid": plan.valid,
        "status": generation.status.value,
        "found": [item.id for item in page.items],
        "id": created.id,
        "share_url": share.url,
        "sha256": asset.sha256,
        "downloaded_sha256": hashlib.sha256(file.payload.read()).hexdigest(),
    }))


if __name__ == "__main__":
    main()
