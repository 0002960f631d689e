# syntax=docker/dockerfile:1
# github-sts: build with the .NET 10 SDK, run on the ASP.NET Core runtime as a non-root user.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TARGETARCH
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
# ReadyToRun (as `make publish`): our assemblies and their packages start from precompiled code instead of tier-0 JIT.
# -a takes Docker's architecture names (amd64, arm64); still framework-dependent on the runtime image below.
RUN dotnet publish src/Operator/GithubSts.Operator.csproj -c Release -a "${TARGETARCH:-amd64}" --self-contained false \
    -p:PublishReadyToRun=true -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
# Workstation GC and no dynamic PGO come from the runtimeconfig (the project's properties).
# Tiering without its 100 ms quiet period (10x that on a 1-CPU pod): under load new methods keep the period from ever
# ending, so hot code waited seconds for its optimized version (docs/performance.md, warm-up). Only settable here.
ENV DOTNET_TC_CallCountingDelayMs=0
ENV ASPNETCORE_URLS=http://0.0.0.0:8080
EXPOSE 8080
USER 65532:65532
ENTRYPOINT ["dotnet", "github-sts.dll"]
