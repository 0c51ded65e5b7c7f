#!/usr/bin/env bash
# Debian packages the project's own set-up installs: fonts for rendering card photos (Chinese glyphs
# and the held-out fonts of the recognition data). Rendering falls back to DejaVu without them, so a
# failure here is reported, not fatal.
set -u
need=()
# fonts-roboto … fonts-urw-base35: extra typefaces for the synthetic face-value patches (splits.ts PATCH_EXTRA_FONTS).
for pkg in fonts-wqy-zenhei fonts-liberation fonts-freefont-ttf fonts-roboto fonts-open-sans fonts-lato fonts-urw-base35; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then echo "setup-system: run as root to install ${need[*]}" >&2; exit 0; fi
{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"; } >/dev/null 2>&1 \
  || echo "setup-system: could not install ${need[*]}; rendering falls back to DejaVu" >&2
exit 0
