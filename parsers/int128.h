/* 128-bit integers for overflow-free intermediate arithmetic (GCC and clang). */
#pragma once

__extension__ typedef unsigned __int128 pi_u128;
__extension__ typedef __int128 pi_i128;
