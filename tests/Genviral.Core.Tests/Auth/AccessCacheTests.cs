using Genviral.Core.Auth;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Genviral.Core.Tests.Auth;

public sealed class AccessCacheTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private int _loads;

    [Fact]
    public async Task GetOrLoadAsync_WithinDuration_LoadsOnce()
    {
        var cache = Cache(TimeSpan.FromSeconds(30));

        await cache.GetOrLoadAsync("e", () => Load("a"));
        _time.Advance(TimeSpan.FromSeconds(29));
        var second = await cache.GetOrLoadAsync("e", () => Load("b"));

        Assert.Equal("a", second);
        Assert.Equal(1, _loads);
    }

    [Fact]
    public async Task GetOrLoadAsync_AfterDuration_LoadsAgain()
    {
        var cache = Cache(TimeSpan.FromSeconds(30));

        await cache.GetOrLoadAsync("e", () => Load("a"));
        _time.Advance(TimeSpan.FromSeconds(30));
        var second = await cache.GetOrLoadAsync("e", () => Load("b"));

        Assert.Equal("b", second);
    }

    [Fact]
    public async Task GetOrLoadAsync_AfterForget_LoadsAgain()
    {
        var cache = Cache(TimeSpan.FromSeconds(30));

        await cache.GetOrLoadAsync("e", () => Load("a"));
        cache.Forget("e");
        var second = await cache.GetOrLoadAsync("e", () => Load("b"));

        Assert.Equal("b", second);
    }

    [Fact]
    public async Task GetOrLoadAsync_ForgetWhileLoading_DoesNotKeepWhatTheLoadRead()
    {
        var cache = Cache(TimeSpan.FromSeconds(30));
        var slowLoad = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);

        var loading = cache.GetOrLoadAsync("e", () => slowLoad.Task);
        cache.Forget("e");
        slowLoad.SetResult("before the change");
        await loading;
        var next = await cache.GetOrLoadAsync("e", () => Load("after the change"));

        Assert.Equal("after the change", next);
    }

    [Fact]
    public async Task GetOrLoadAsync_Missing_IsNotKept()
    {
        var cache = Cache(TimeSpan.FromSeconds(30));

        await cache.GetOrLoadAsync("e", () => Load(null));
        var second = await cache.GetOrLoadAsync("e", () => Load("created since"));

        Assert.Equal("created since", second);
    }

    [Fact]
    public async Task GetOrLoadAsync_ZeroDuration_LoadsEveryTime()
    {
        var cache = Cache(TimeSpan.Zero);

        await cache.GetOrLoadAsync("e", () => Load("a"));
        await cache.GetOrLoadAsync("e", () => Load("a"));

        Assert.Equal(2, _loads);
    }

    private AccessCache Cache(TimeSpan duration) => new(Options.Create(new AccessCacheOptions { CacheDuration = duration }), _time);

    private Task<string?> Load(string? value)
    {
        _loads++;
        return Task.FromResult(value);
    }
}
