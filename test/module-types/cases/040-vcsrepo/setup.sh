# An upstream repository with fixed dates and names, so every commit has the same id each time:
# main has two commits (the first tagged v1), dev a third.
export GIT_AUTHOR_NAME=Kasper GIT_AUTHOR_EMAIL=kasper@example.com GIT_COMMITTER_NAME=Kasper GIT_COMMITTER_EMAIL=kasper@example.com
export GIT_AUTHOR_DATE='2024-01-01T00:00:00Z' GIT_COMMITTER_DATE='2024-01-01T00:00:00Z'
git -c init.defaultBranch=main init -q "$ROOT/upstream"
cd "$ROOT/upstream"
echo one > file.txt && git add file.txt && git commit -qm one && git tag v1
echo two > file.txt && git commit -qam two
git checkout -qb dev && echo three > file.txt && git commit -qam three && git checkout -q main
