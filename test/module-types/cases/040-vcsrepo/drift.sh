# Upstream moves on (latest has something to fetch) and the tag's working copy is moved off it.
export GIT_AUTHOR_NAME=Kasper GIT_AUTHOR_EMAIL=kasper@example.com GIT_COMMITTER_NAME=Kasper GIT_COMMITTER_EMAIL=kasper@example.com
export GIT_AUTHOR_DATE='2024-01-02T00:00:00Z' GIT_COMMITTER_DATE='2024-01-02T00:00:00Z'
cd "$ROOT/upstream" && echo four > file.txt && git commit -qam four
cd "$ROOT/tag" && git checkout -q main
