using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flint.Abstractions;
using Flint.Api.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Flint.Api.Tests.Conventions;

/// <summary>
/// The envelope is written straight from the object to UTF-8. These pin that its bytes are exactly those the
/// envelope had as a JSON tree (what every response was before, and what stored idempotent replays hold): escaping,
/// numbers, timestamps, nulls, nesting and member order.
/// </summary>
public sealed class ResponseBytesTests
{
    private sealed record Line(string Name, long Quantity, decimal Share, IReadOnlyDictionary<string, string> Metadata);

    private sealed record Sample(string Id, string? Missing, DateTimeOffset At, IReadOnlyList<Line> Lines, long Big, string Status);

    private static readonly Sample Rich = new(
        "ord_01JXYZ", null, new DateTimeOffset(2026, 12, 7, 5, 6, 7, 891, TimeSpan.Zero),
        [
            new("Café <script>alert(\"x\")</script> & ☕ \u0001", 2, 12.50m, new Dictionary<string, string> { ["a/b"] = "ü\n'\\", ["emoji"] = "😀" }),
            new("", 0, -0.0001m, new Dictionary<string, string>()),
        ],
        long.MaxValue, "partially_refunded");

    [Fact]
    public async Task An_object_is_written_with_the_bytes_its_json_tree_had()
    {
        var ctx = Context("req_1");
        var written = await Body(ctx, Responses.Ok(ctx, Rich, 201));

        var tree = new JsonObject { ["data"] = JsonSerializer.SerializeToNode(Rich, FlintJson.Options), ["request_id"] = "req_1" };
        Assert.Equal(tree.ToJsonString(FlintJson.Options), written);
        Assert.Equal(201, ctx.Response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", ctx.Response.ContentType);
        Assert.Contains("\\u003Cscript\\u003E", written);
    }

    [Fact]
    public async Task A_null_object_and_a_list_page_keep_their_bytes_too()
    {
        var ctx = Context("req_2");
        Assert.Equal("""{"data":null,"request_id":"req_2"}""", await Body(ctx, Responses.Ok<Sample?>(ctx, null)));

        var items = new[] { JsonSerializer.SerializeToNode(Rich, FlintJson.Options)!.AsObject(), new JsonObject { ["id"] = "x" } };
        var list = new JsonObject
        {
            ["data"] = new JsonArray(items.Select(i => (JsonNode)i.DeepClone()).ToArray()),
            ["next_page_token"] = null,
            ["request_id"] = "req_2",
        };
        Assert.Equal(list.ToJsonString(FlintJson.Options), await Body(Context("req_2"), Responses.Objects(Context("req_2"), items, null)));
    }

    [Fact]
    public async Task Fields_still_pick_from_the_object()
    {
        var ctx = Context("req_3", "?fields=status");
        Assert.Equal("""{"data":{"id":"ord_01JXYZ","status":"partially_refunded"},"request_id":"req_3"}""",
            await Body(ctx, Responses.Ok(ctx, Rich, idField: "id")));
    }

    private static DefaultHttpContext Context(string requestId, string query = "")
    {
        var ctx = new DefaultHttpContext();
        ctx.Items["flint.request_id"] = requestId;
        ctx.Request.QueryString = new QueryString(query);
        ctx.Response.Body = new MemoryStream();
        return ctx;
    }

    private static async Task<string> Body(HttpContext ctx, IResult result)
    {
        await result.ExecuteAsync(ctx);
        return Encoding.UTF8.GetString(((MemoryStream)ctx.Response.Body).ToArray());
    }
}
