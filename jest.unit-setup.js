// The unit project never talks to Docker: whatever the environment says, the engine address
// points nowhere, so a unit test that reached for Docker (dockerode, the docker CLI, or a
// child process of either) gets "not reachable" instead of starting a container. The
// Docker-backed tests are lab/**/*.docker.test.ts, in the `docker` project.
process.env.DOCKER_HOST = 'unix:///nonexistent/mptcp-lab-unit-tests-use-no-docker.sock';
