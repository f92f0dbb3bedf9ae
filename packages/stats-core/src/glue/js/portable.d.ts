// The JavaScript side of the portable subset: AssemblyScript's numeric types as type aliases
// only. Nothing here exists at run time, so importing stats-core installs no globals; the
// published declarations have these aliases rewritten to `number` (scripts/finish-dts.mjs).
// Values typed i32/u32/u8… must stay integers in range on the JS side: core code keeps them so
// with `| 0` after division and by never relying on wrap-around.
declare type i8 = number;
declare type i16 = number;
declare type i32 = number;
declare type isize = number;
declare type u8 = number;
declare type u16 = number;
declare type u32 = number;
declare type usize = number;
declare type f32 = number;
declare type f64 = number;
declare type bool = boolean;
