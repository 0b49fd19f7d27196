"""Drives `eachvault mcp` with the reference MCP client (PyPI `mcp`) over stdio, as an agent would, and prints what
it saw as JSON for the Swift test (`MCPTests`) to check.

Usage: mcp_check.py EACHVAULT_BINARY SERVICE_URL TEAM_TOKEN
"""

import asyncio
import json
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


def text_of(result):
    return "".join(part.text for part in result.content if getattr(part, "type", "") == "text")


async def main(binary, url, token):
    seen = {}
    server = StdioServerParameters(command=binary, args=["mcp"], env={"EACHVAULT_URL": url, "EACHVAULT_TOKEN": token})
    async with stdio_client(server) as (read, write):
        async with ClientSession(read, write) as session:
            info = await session.initialize()
            seen["server"] = info.server_info.name
            seen["instructions"] = bool(info.instructions)
            tools = await session.list_tools()
            seen["tools"] = sorted(tool.name for tool in tools.tools)
            seen["schemas"] = all(tool.input_schema.get("type") == "object" for tool in tools.tools)

            model = "pixverse-v5-6-text-to-video"
            described = json.loads(text_of(await session.call_tool("describe_model", {"model": model})))
            seen["described_fields"] = sorted(described["request_schema"]["properties"].keys())
            request = {"model": model, "input": {"prompt": "an otter floating on a calm lake at dawn"}}
            plan = json.loads(text_of(await session.call_tool("plan_generation", request)))
            seen["plan_valid"] = plan["valid"]
            seen["plan_cost_basis"] = plan["cost_estimate"]["basis"]

            bad = await session.call_tool("plan_generation", {"model": model, "input": {"prompt": "x", "duration": "forever"}})
            seen["bad_plan"] = json.loads(text_of(bad))["problems"]
            refused = await session.call_tool("generate", {"model": model, "input": {"duration": 5}})
            seen["refused_is_error"] = refused.is_error
            seen["refused_text"] = text_of(refused)

            progress = []

            async def on_progress(value, total, message):
                progress.append(message)

            generated = await session.call_tool(
                "generate", {**request, "wait": True}, progress_callback=on_progress)
            generation = json.loads(text_of(generated))
            seen["generated_status"] = generation["status"]
            seen["generated_files"] = len(generation["assets"])
            seen["progress"] = progress

            again = json.loads(text_of(await session.call_tool("plan_generation", request)))
            seen["exact_match"] = again.get("exact_match") == generation["id"]
            found = json.loads(text_of(await session.call_tool("search_generations", {"q": "otter", "limit": 5})))
            seen["search_ids"] = [item["id"] for item in found["items"]]
            seen["generation_id"] = generation["id"]
            share = json.loads(text_of(await session.call_tool("create_share", {"id": generation["id"], "expires_in_s": 600})))
            seen["share_url"] = share["url"]
            spend = json.loads(text_of(await session.call_tool("report_spend", {"group_by": "model"})))
            seen["spend_rows"] = [row["key"] for row in spend["rows"]]

            templates = await session.list_resource_templates()
            seen["templates"] = [template.uri_template for template in templates.resource_templates]
            resource = await session.read_resource(f"eachvault://generations/{generation['id']}")
            seen["resource_id"] = json.loads(resource.contents[0].text)["id"]
            missing = await session.call_tool("get_generation", {"id": "gen_nothing_here"})
            seen["missing_is_error"] = missing.is_error
    print(json.dumps(seen))


asyncio.run(main(*sys.argv[1:4]))
