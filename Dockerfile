# syntax=docker/dockerfile:1
# github-sts: build with the .NET 10 SDK, run on the ASP.NET Core runtime as a non-root user.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
RUN dotnet publish src/Operator/GithubSts.Operator.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
# Workstation GC comes from the runtimeconfig (ServerGarbageCollection in the project).
ENV ASPNETCORE_URLS=http://0.0.0.0:8080
EXPOSE 8080
USER 65532:65532
ENTRYPOINT ["dotnet", "github-sts.dll"]
