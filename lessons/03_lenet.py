# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] lang="en"
# # Lesson 3 · LeNet: convolutions, gradients and one step of SGD
#
# The networks of lesson 2 flatten an image into 784 numbers before they look at it, and so lose
# which pixels are neighbours. A **convolutional** network looks at small patches instead, with the
# same small filter slid across the whole image. The LeNets of Yann LeCun and colleagues were among
# the first: convolutional networks trained by backpropagation to read handwritten zip codes (from
# 1989), and **LeNet-5**, described in 1998, which read the digits on bank cheques. PyTorch's
# tutorial *Deep Learning with PyTorch: A 60 Minute Blitz* uses a modernised LeNet-5 to show the
# whole life of a network. So does this lesson:
#
# 1. what a convolution and a pooling layer compute, and how they change the shape of a
#    32×32 image, step by step;
# 2. LeNet as an `nn.Module` (graded exercise), its parameters, and a forward pass on random input
#    and on real digits;
# 3. the backward pass: `zero_grad`, `backward`, and the graph of `grad_fn`s autograd walks;
# 4. one step of gradient descent written by hand (graded exercise), then the same with
#    `torch.optim.SGD`.
#
# **Objectives:** after this lesson you can compute the shapes of convolutions and pooling, build
# LeNet, get gradients with `backward`, and take one step of gradient descent by hand and with
# `torch.optim`.
#
# **Time:** about 75 minutes: reading, running every cell, and the exercise.

# %% [markdown] lang="zh"
# # 第 3 课 · LeNet：卷积、梯度与一步 SGD
#
# 第 2 课的网络先把图片展平成 784 个数再处理，于是丢掉了“哪些像素彼此相邻”这一信息。**卷积**神经网络则不同：
# 它每次只看一小块区域，并把同一个小滤波器在整张图片上滑动。Yann LeCun 等人提出的 LeNet 系列是最早的卷积网络之一：
# 从 1989 年起，他们用反向传播训练卷积网络识别手写的邮政编码；1998 年发表的 **LeNet-5** 则被用来读银行支票上的数字。
# PyTorch 的官方教程《Deep Learning with PyTorch: A 60 Minute Blitz》用一个现代化的 LeNet-5 演示了一个网络的完整生命周期。
# 本课也是如此：
#
# 1. 卷积层和池化层算的是什么，它们如何一步步改变一张 32×32 图片的形状；
# 2. 把 LeNet 写成 `nn.Module`（评分练习），查看它的参数，并在随机输入和真实手写数字上做前向传播；
# 3. 反向传播：`zero_grad`、`backward`，以及 autograd 沿着走的 `grad_fn` 计算图；
# 4. 亲手写出梯度下降的一步（评分练习），再用 `torch.optim.SGD` 做同样的事。
#
# **学习目标：**学完本课，你将能够算出卷积和池化的输出形状，搭出 LeNet，用 `backward` 求梯度，并亲手、再用 `torch.optim` 走一步梯度下降。
#
# **用时：**约 75 分钟（阅读、运行每个单元格、完成练习）。

# %%
import copy

import torch
import torch.nn.functional as F
from torch import nn

import helper

device = helper.device()
generator = helper.seed_everything(0)
print("PyTorch", torch.__version__, helper.tr(en="on", zh="运行在"), device)

# %% [markdown] lang="en"
# ## 1. Convolution and pooling in small numbers
#
# A convolution slides a small grid of weights, the **kernel**, over the image. At each position
# it multiplies the kernel with the pixels under it and adds the products up: one output number
# per position. Take a 4×4 image and a 2×2 kernel:
#
# $$
# \text{image} = \begin{pmatrix} 1 & 2 & 0 & 1 \\ 0 & 1 & 3 & 1 \\ 2 & 0 & 1 & 0 \\ 1 & 1 & 0 & 2 \end{pmatrix},
# \qquad
# \text{kernel} = \begin{pmatrix} 1 & 0 \\ 0 & -1 \end{pmatrix}.
# $$
#
# In the top-left corner the kernel covers $\begin{pmatrix} 1 & 2 \\ 0 & 1 \end{pmatrix}$, which
# gives $1 \cdot 1 + 2 \cdot 0 + 0 \cdot 0 + 1 \cdot (-1) = 0$. One step to the right it covers
# $\begin{pmatrix} 2 & 0 \\ 1 & 3 \end{pmatrix}$: $2 - 3 = -1$. The kernel fits in 3 positions
# across and 3 down, so the output is 3×3. This kernel computes "top-left minus bottom-right", so
# it responds to diagonal edges. In a network the kernel's numbers are weights, learned like any other.
#
# **Convolution or cross-correlation?** In mathematics a convolution first flips the kernel (top to
# bottom and left to right); sliding it unflipped, as above, is a **cross-correlation**. `nn.Conv2d`
# and `F.conv2d` compute the cross-correlation. Since the kernel is learned, the difference does not
# matter (a network would simply learn the flipped kernel), and deep learning calls both convolution.
#
# **The batch dimension.** PyTorch's convolutions take a batch of images with channels,
# `(N, C, H, W)`, so the 4×4 image becomes a tensor of shape `(1, 1, 4, 4)`. Many layers of current
# PyTorch also accept a single, *unbatched* sample, `(C, H, W)` for `Conv2d`, and treat it as a
# batch of one. We still always keep a batch dimension, even for one image: training and evaluation
# work on batches; code that flattens with `flatten(start_dim=1)` or `nn.Flatten()` assumes that
# dimension 0 is the batch and would merge the wrong dimensions of an unbatched image; layers such
# as `BatchNorm2d` need a batch (they compute statistics across it); and the output keeps the same
# shape `(N, ...)` whatever `N` is, so one function handles 1 image and 1,000.

# %% [markdown] lang="zh"
# ## 1. 用小例子理解卷积和池化
#
# 卷积就是把一小格权重，即**卷积核**，在图片上滑动。在每个位置，它把卷积核与下方的像素逐个相乘再求和，
# 每个位置得到一个输出数。来看一张 4×4 的图片和一个 2×2 的卷积核：
#
# $$
# \text{图片} = \begin{pmatrix} 1 & 2 & 0 & 1 \\ 0 & 1 & 3 & 1 \\ 2 & 0 & 1 & 0 \\ 1 & 1 & 0 & 2 \end{pmatrix},
# \qquad
# \text{卷积核} = \begin{pmatrix} 1 & 0 \\ 0 & -1 \end{pmatrix}.
# $$
#
# 在左上角，卷积核覆盖的是 $\begin{pmatrix} 1 & 2 \\ 0 & 1 \end{pmatrix}$，得到
# $1 \cdot 1 + 2 \cdot 0 + 0 \cdot 0 + 1 \cdot (-1) = 0$。向右移一格，它覆盖的是
# $\begin{pmatrix} 2 & 0 \\ 1 & 3 \end{pmatrix}$，得到 $2 - 3 = -1$。卷积核横向能放 3 个位置，纵向也是 3 个，
# 所以输出是 3×3。这个卷积核计算的是“左上减右下”，因此对斜向的边缘有反应。在网络里，卷积核中的数就是权重，
# 和其他权重一样通过学习得到。
#
# **卷积还是互相关？** 数学上的卷积要先把卷积核上下、左右翻转；像上面这样不翻转就滑动，叫作**互相关**。
# `nn.Conv2d` 和 `F.conv2d` 算的就是互相关。由于卷积核是学出来的，这个区别无关紧要（网络会直接学到翻转后的卷积核），
# 所以深度学习里把两者都叫作卷积。
#
# **批量维度。** PyTorch 的卷积接收带通道的一批图片，形状为 `(N, C, H, W)`，所以这张 4×4 的图片要写成形状为
# `(1, 1, 4, 4)` 的张量。当前版本的 PyTorch 里，很多层也接受单个*不带批量维度*的样本（`Conv2d` 接受
# `(C, H, W)`），把它当作只有一个样本的批次。但我们总是保留批量维度，哪怕只有一张图片：训练和评估都是按批次进行的；
# 用 `flatten(start_dim=1)` 或 `nn.Flatten()` 展平的代码默认第 0 维是批量维度，遇到不带批量维度的图片就会合并错维度；
# `BatchNorm2d` 这样的层要在整个批次上计算统计量，离不开批量维度；而且不论 `N` 是多少，输出的形状都是 `(N, ...)`，
# 同一个函数既能处理 1 张图片，也能处理 1,000 张。

# %%
image = torch.tensor([[1.0, 2.0, 0.0, 1.0],
                      [0.0, 1.0, 3.0, 1.0],
                      [2.0, 0.0, 1.0, 0.0],
                      [1.0, 1.0, 0.0, 2.0]]).reshape(1, 1, 4, 4)
kernel = torch.tensor([[1.0, 0.0],
                       [0.0, -1.0]]).reshape(1, 1, 2, 2)

print(helper.tr(en="convolution:", zh="卷积："), "\n", F.conv2d(image, kernel)[0, 0])
print(helper.tr(en="2x2 max pooling:", zh="2x2 最大池化："), "\n", F.max_pool2d(image, 2)[0, 0])
# [en] Unbatched (C, H, W) works too: the output has no batch dimension either.
# [zh] 不带批量维度的 (C, H, W) 也能用：输出同样没有批量维度。
print(tuple(F.conv2d(image[0], kernel).shape), tuple(F.conv2d(image, kernel).shape))

# %% [markdown] lang="en"
# **Max pooling** with a 2×2 window cuts the image into 2×2 blocks and keeps the largest number of
# each: the top-left block $\begin{pmatrix} 1 & 2 \\ 0 & 1 \end{pmatrix}$ gives 2, the top-right one
# 3. It halves height and width, and keeps "there is a strong response somewhere here" while
# forgetting exactly where. It has no weights.
#
# **Output sizes.** A $k \times k$ kernel fits $H - k + 1$ times into a height of $H$ (without
# padding, with stride 1); 2×2 pooling turns $H$ into $\lfloor H / 2 \rfloor$.
#
# **Channels.** `nn.Conv2d(in_channels, out_channels, k)` holds `out_channels` kernels, each of
# shape `(in_channels, k, k)`: every output map looks at *all* input maps at once. Its weight has
# shape `(out_channels, in_channels, k, k)`, plus one bias per output map.
#
# **Think:** `nn.Conv2d(6, 16, 5)` has how many parameters? Work it out, then check below.

# %% [markdown] lang="zh"
# **最大池化**使用 2×2 的窗口时，会把图片切成一个个 2×2 的小块，每块只保留最大的那个数：左上角的
# $\begin{pmatrix} 1 & 2 \\ 0 & 1 \end{pmatrix}$ 得到 2，右上角那块得到 3。它让高和宽都减半，保留了
# “这附近某处有强烈响应”这一信息，但忘掉了确切的位置。池化层没有权重。
#
# **输出大小。** 在没有填充（padding）、步幅（stride）为 1 时，$k \times k$ 的卷积核在高度为 $H$ 的图片上能放
# $H - k + 1$ 个位置；2×2 池化把 $H$ 变成 $\lfloor H / 2 \rfloor$。
#
# **通道。** `nn.Conv2d(in_channels, out_channels, k)` 含有 `out_channels` 个卷积核，每个的形状为
# `(in_channels, k, k)`：每张输出特征图都同时看*所有*输入特征图。它的权重形状是
# `(out_channels, in_channels, k, k)`，另外每张输出特征图还有一个偏置。
#
# **想一想：** `nn.Conv2d(6, 16, 5)` 有多少个参数？先自己算，再看下面的结果。

# %% [markdown] lang="en"
# ## 2. LeNet, layer by layer
#
# LeNet takes a 32×32 grayscale image. Here is what happens to its shape:
#
# | step | layer | output shape | why |
# |---|---|---|---|
# | input | | `(N, 1, 32, 32)` | |
# | conv1 | `nn.Conv2d(1, 6, 5)` | `(N, 6, 28, 28)` | $32 - 5 + 1 = 28$ |
# | | ReLU, 2×2 max pooling | `(N, 6, 14, 14)` | $28 / 2$ |
# | conv2 | `nn.Conv2d(6, 16, 5)` | `(N, 16, 10, 10)` | $14 - 5 + 1 = 10$ |
# | | ReLU, 2×2 max pooling | `(N, 16, 5, 5)` | $10 / 2$ |
# | flatten | | `(N, 400)` | $16 \cdot 5 \cdot 5 = 400$ |
# | fc1 | `nn.Linear(400, 120)`, ReLU | `(N, 120)` | |
# | fc2 | `nn.Linear(120, 84)`, ReLU | `(N, 84)` | |
# | fc3 | `nn.Linear(84, 10)` | `(N, 10)` | the logits |
#
# **What we changed from the original.** LeNet-5 of 1998 had the same plan of layers (C1, S2, C3,
# S4, C5, F6, output) and the same feature-map sizes, but its S2 and S4 were **subsampling** layers,
# not max pooling: each averaged a 2×2 block, multiplied the average by a trainable coefficient, added
# a bias and applied a sigmoid-like squashing function. Its activations were scaled tanh functions,
# not ReLU; C3 connected each of its 16 maps to a chosen subset of S2's 6 maps, not to all of them;
# and its 10 outputs were radial basis function units, not a linear layer trained with
# cross-entropy. We use the modern parts (ReLU, max pooling, full connections, a linear output),
# as PyTorch's tutorial does; they train faster and more reliably.
#
# Let us check the table with real layers, one step at a time:

# %% [markdown] lang="zh"
# ## 2. 逐层拆解 LeNet
#
# LeNet 的输入是一张 32×32 的灰度图片。它的形状依次这样变化：
#
# | 步骤 | 层 | 输出形状 | 原因 |
# |---|---|---|---|
# | 输入 | | `(N, 1, 32, 32)` | |
# | conv1 | `nn.Conv2d(1, 6, 5)` | `(N, 6, 28, 28)` | $32 - 5 + 1 = 28$ |
# | | ReLU，2×2 最大池化 | `(N, 6, 14, 14)` | $28 / 2$ |
# | conv2 | `nn.Conv2d(6, 16, 5)` | `(N, 16, 10, 10)` | $14 - 5 + 1 = 10$ |
# | | ReLU，2×2 最大池化 | `(N, 16, 5, 5)` | $10 / 2$ |
# | 展平 | | `(N, 400)` | $16 \cdot 5 \cdot 5 = 400$ |
# | fc1 | `nn.Linear(400, 120)`，ReLU | `(N, 120)` | |
# | fc2 | `nn.Linear(120, 84)`，ReLU | `(N, 84)` | |
# | fc3 | `nn.Linear(84, 10)` | `(N, 10)` | 即 logits |
#
# **与原版相比，我们改了什么。** 1998 年的 LeNet-5 有同样的层次结构（C1、S2、C3、S4、C5、F6、输出层），
# 特征图的大小也一样；但它的 S2 和 S4 是**下采样**层，而不是最大池化：每个下采样单元对一个 2×2 小块取平均，
# 乘以一个可训练的系数，加上偏置，再经过一个 S 形的压缩函数。它的激活函数是缩放过的 tanh，不是 ReLU；
# C3 的 16 张特征图每张只连接 S2 的 6 张特征图中选定的几张，而不是全部；输出层的 10 个单元是径向基函数（RBF）单元，
# 而不是用交叉熵训练的全连接层。我们和 PyTorch 的教程一样，换成了现代的做法（ReLU、最大池化、全连接、线性输出层），
# 训练起来更快也更稳定。
#
# 我们用真实的层一步一步验证这张表：

# %%
helper.diagrams.lenet();

# %%
conv1 = nn.Conv2d(1, 6, 5)
conv2 = nn.Conv2d(6, 16, 5)

x = torch.randn(1, 1, 32, 32)
print(f"{'input':22s}", tuple(x.shape))
x = conv1(x)
print(f"{'conv1':22s}", tuple(x.shape))
x = F.max_pool2d(F.relu(x), 2)
print(f"{helper.tr(en='relu + max pool 2x2', zh='relu + 2x2 最大池化'):22s}", tuple(x.shape))
x = conv2(x)
print(f"{'conv2':22s}", tuple(x.shape))
x = F.max_pool2d(F.relu(x), 2)
print(f"{helper.tr(en='relu + max pool 2x2', zh='relu + 2x2 最大池化'):22s}", tuple(x.shape))
x = x.flatten(start_dim=1)
print(f"{'flatten':22s}", tuple(x.shape))

print(helper.tr(en="conv2 weight:", zh="conv2 的权重："), tuple(conv2.weight.shape),
      helper.tr(en=" parameters:", zh=" 参数个数："), sum(p.numel() for p in conv2.parameters()))

# %% [markdown] lang="en"
# ### Exercise (3 points): `class LeNet(nn.Module)`
#
# Write LeNet as in the table:
#
# * in `__init__`, exactly these layers: `conv1 = nn.Conv2d(1, 6, 5)`, `conv2 = nn.Conv2d(6, 16, 5)`,
#   `fc1 = nn.Linear(400, 120)`, `fc2 = nn.Linear(120, 84)`, `fc3 = nn.Linear(84, 10)`;
# * in `forward`, ReLU and then 2×2 max pooling (`F.max_pool2d(..., 2)`) after each convolution,
#   then flatten **keeping the batch dimension**, then the three linear layers with ReLU after
#   `fc1` and `fc2`;
# * return the logits, shape `(N, 10)`, for any batch of shape `(N, 1, 32, 32)`, a batch of one included.
#
# Run the check cell below it; the autograder compares your network with its own on more batches.

# %% [markdown] lang="zh"
# ### 练习（3 分）：`class LeNet(nn.Module)`
#
# 按照上面的表格写出 LeNet：
#
# * 在 `__init__` 中恰好创建这些层：`conv1 = nn.Conv2d(1, 6, 5)`、`conv2 = nn.Conv2d(6, 16, 5)`、
#   `fc1 = nn.Linear(400, 120)`、`fc2 = nn.Linear(120, 84)`、`fc3 = nn.Linear(84, 10)`；
# * 在 `forward` 中，每个卷积层之后先做 ReLU，再做 2×2 最大池化（`F.max_pool2d(..., 2)`）；然后展平，
#   **并保留批量维度**；最后是三个全连接层，`fc1` 和 `fc2` 之后各接一个 ReLU；
# * 对任意形状为 `(N, 1, 32, 32)` 的一批输入（包括只有一张图片的情况），返回形状为 `(N, 10)` 的 logits。
#
# 写完后运行下面的检查单元格；自动评分还会在更多批数据上把你的网络和标准答案作比较。

# %% solution="lenet"
class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        ### BEGIN SOLUTION
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        # [en] (N, 16, 5, 5) -> (N, 400): dimension 0, the batch, is kept
        # [zh] (N, 16, 5, 5) -> (N, 400)：保留第 0 维，即批量维度
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)
        ### END SOLUTION


# %% tests="test_lenet" points=3
from autograder import check

check("lenet", LeNet)
### BEGIN HIDDEN TESTS
from autograder import hidden_tests

hidden_tests("lenet", LeNet)
### END HIDDEN TESTS

# %% [markdown] lang="en"
# ## 3. The parameters of LeNet
#
# `net.parameters()` yields every weight and bias, in the order the layers were created.
# Counting them shows where a network keeps its knowledge:

# %% [markdown] lang="zh"
# ## 3. LeNet 的参数
#
# `net.parameters()` 会按各层创建的顺序给出所有权重和偏置。数一数它们，就能看出网络把“知识”存放在哪里：

# %%
net = LeNet().to(device)
print(net)

params = list(net.parameters())
print(helper.tr(en=f"{len(params)} tensors; the first is conv1's weight:", zh=f"{len(params)} 个张量；第一个是 conv1 的权重："),
      tuple(params[0].shape))
for name, p in net.named_parameters():
    print(f"{name:12s} {str(tuple(p.shape)):16s} {p.numel():>7,}")
print(f"{helper.tr(en='total', zh='合计'):29s} {sum(p.numel() for p in net.parameters()):>7,}")

# %% [markdown] lang="en"
# Of 61,706 parameters, the two convolutions hold only 156 + 2,416: a kernel of 25 weights is
# reused at every position of the image (**weight sharing**). fc1 alone holds 48,120.
#
# ## 4. A forward pass
#
# `nn` layers always work on a batch. A single image of shape `(1, 32, 32)` must first become a
# batch of one, `(1, 1, 32, 32)`, e.g. with `image.unsqueeze(0)`. Here is a random one:

# %% [markdown] lang="zh"
# 在 61,706 个参数中，两个卷积层只占 156 + 2,416 个：一个含 25 个权重的卷积核在图片的每个位置上都重复使用
# （**权重共享**）。仅 fc1 一层就有 48,120 个参数。
#
# ## 4. 前向传播
#
# `nn` 中的层总是处理一批数据。单独一张形状为 `(1, 32, 32)` 的图片，要先变成只含一张图片的一批，
# 即 `(1, 1, 32, 32)`，例如用 `image.unsqueeze(0)`。下面用一个随机输入试试：

# %%
x = torch.randn(1, 1, 32, 32, device=device)
out = net(x)
print(out)

# %% [markdown] lang="en"
# ## 5. LeNet meets real digits
#
# MNIST images are 28×28, LeNet wants 32×32. The 1998 paper, too, gave LeNet a 32×32 input,
# deliberately larger than the digits, so that strokes near the edge can still fall in the middle
# of a detector's window. We add a black border of 2 pixels: `F.pad(images, (2, 2, 2, 2))` pads
# the last dimension (width) by 2 on the left and 2 on the right, then the one before (height) by
# 2 at the top and 2 at the bottom, with zeros, which is black.

# %% [markdown] lang="zh"
# ## 5. LeNet 遇上真实的手写数字
#
# MNIST 的图片是 28×28 的，而 LeNet 需要 32×32 的输入。1998 年的论文同样给 LeNet 输入 32×32 的图片，
# 特意让它比数字本身大一圈，这样靠近边缘的笔画也能落在特征检测窗口的中间。我们给图片加一圈 2 个像素宽的黑边：
# `F.pad(images, (2, 2, 2, 2))` 先在最后一维（宽度）的左右各补 2 个数，再在倒数第二维（高度）的上下各补 2 个数，
# 补的都是 0，也就是黑色。

# %% [markdown] lang="en"
# The network is untrained, so its predictions (titles: *prediction (true label)*) are guesses.
# Often it even gives the same digit for every image: with random weights, its output hardly
# depends on the input yet.

# %% [markdown] lang="zh"
# 网络还没有训练，所以它的预测（标题格式为“预测（真实标签）”）只是瞎猜。它甚至常常对每张图片都给出同一个数字：
# 权重是随机的，此时它的输出几乎与输入无关。

# %%
test_images, test_labels = helper.load_tensors("MNIST", train=False)
pick = torch.randperm(len(test_images), generator=generator)[:8]
images, labels = test_images[pick], test_labels[pick]

padded = F.pad(images, (2, 2, 2, 2))
print(tuple(images.shape), "->", tuple(padded.shape))

with torch.no_grad():
    logits = net(padded.to(device))
helper.show_batch(padded, labels, classes="mnist", predictions=logits.argmax(dim=1).cpu());

# %% [markdown] lang="en"
# ## 6. Backward: gradients for every parameter
#
# `out` is a vector of 10 numbers, not a single number, so "the gradient of `out`" would be a
# whole matrix, the **Jacobian**: for a function from $n$ numbers $x_j$ to $m$ numbers $y_i$, the
# Jacobian is the $m \times n$ matrix of all partial derivatives $J_{ij} = \partial y_i / \partial x_j$,
# one row per output and one column per input. For the 10 outputs and the 61,706 parameters of LeNet
# it would have 617,060 entries, for a single image. `out.backward(v)` instead computes the gradient of $\sum_i v_i \,
# \text{out}_i$ for a vector $v$ of your choice, here a random one. Gradients land in each
# parameter's `.grad`. Because `backward` **adds** to `.grad` (more on that below), we first clear
# the gradients with `zero_grad()`:

# %% [markdown] lang="zh"
# ## 6. 反向传播：为每个参数求梯度
#
# `out` 是含 10 个数的向量，而不是一个数，所以“`out` 的梯度”会是一整个矩阵，即**雅可比矩阵**：对于把 $n$ 个数 $x_j$
# 映射成 $m$ 个数 $y_i$ 的函数，雅可比矩阵是由所有偏导数 $J_{ij} = \partial y_i / \partial x_j$ 组成的 $m \times n$ 矩阵，
# 每个输出占一行，每个输入占一列。对 LeNet 的 10 个输出和 61,706 个参数来说，单单一张图片，它就有 617,060 个元素。`out.backward(v)`
# 计算的则是 $\sum_i v_i \, \text{out}_i$ 的梯度，其中向量 $v$ 由你给定，这里取一个随机向量。梯度会存进每个参数的
# `.grad` 中。由于 `backward` 是把梯度**累加**到 `.grad` 上的（后面细说），我们先用 `zero_grad()` 把梯度清空：

# %%
net.zero_grad()
out.backward(torch.randn(1, 10, device=device))
print("conv1.bias.grad:", net.conv1.bias.grad)

# %% [markdown] lang="en"
# In practice we call `backward()` on a **loss**: a single number that says how far the output
# is from what it should be. The mean squared error `nn.MSELoss()` averages
# $(\text{output}_i - \text{target}_i)^2$ over all entries. The target here is made up, just to
# have something to compare with. The standard loss for classification, cross-entropy, is the
# subject of the next lesson; it is used in exactly the same way.

# %% [markdown] lang="zh"
# 实际使用时，我们对**损失**调用 `backward()`：损失函数给出一个数，衡量输出离应有的结果有多远。均方误差
# `nn.MSELoss()` 对所有元素的 $(\text{output}_i - \text{target}_i)^2$ 求平均。这里的目标值是随便编的，
# 只是为了有个比较对象。分类问题的标准损失函数是交叉熵，下一课专门讲它；它的用法与这里完全相同。

# %%
target = torch.randn(1, 10, device=device)
criterion = nn.MSELoss()

output = net(x)
loss = criterion(output, target)
print(loss)

# %% [markdown] lang="en"
# ### The graph behind `loss`
#
# During the forward pass, autograd records every operation in a graph. Each result remembers the
# function that will compute its gradient, `grad_fn`, and each `grad_fn` lists the ones before it
# in `next_functions`: one entry per input of the operation. Following the first input from the
# loss backwards:

# %% [markdown] lang="zh"
# ### `loss` 背后的计算图
#
# 前向传播时，autograd 把每一步运算都记录在一张图里。每个结果都记得负责计算其梯度的函数 `grad_fn`，
# 而每个 `grad_fn` 又在 `next_functions` 中列出它前面的那些函数：运算的每个输入对应一项。从损失出发，沿着第一个输入往回走：

# %%
print(loss.grad_fn)
print(loss.grad_fn.next_functions[0][0])
print(loss.grad_fn.next_functions[0][0].next_functions[0][0])

# %% [markdown] lang="en"
# `MseLossBackward0` is the loss; `AddmmBackward0` is fc3 (`addmm` computes $b + x W^\top$ in one
# go); and `AccumulateGrad` is the end of a path, a leaf: a parameter, where the gradient is added
# into `.grad`. Its `.variable` is that parameter. Let us walk the whole chain, listing at each
# step the parameters that receive a gradient there:

# %% [markdown] lang="zh"
# `MseLossBackward0` 对应损失；`AddmmBackward0` 对应 fc3（`addmm` 一次算出 $b + x W^\top$）；
# `AccumulateGrad` 是一条路径的终点，即叶子节点：一个参数，梯度在这里被累加进 `.grad`，它的 `.variable`
# 就是这个参数。我们把整条链走一遍，并在每一步列出在这里收到梯度的参数：

# %%
names = {id(p): name for name, p in net.named_parameters()}


def parameter_behind(node):
    # [en] The name of the parameter whose gradient `node` delivers, or None.
    # [en] (A weight is transposed first, so we may have to look one step further.)
    # [zh] 返回 `node` 把梯度送往的那个参数的名字；若不是参数，则返回 None。
    # [zh] （权重会先经过一次转置，所以可能要再往前看一步。）
    while node is not None and not hasattr(node, "variable") and len(node.next_functions) == 1:
        node = node.next_functions[0][0]
    if node is not None and hasattr(node, "variable"):
        return names.get(id(node.variable))
    return None


node = loss.grad_fn
while node is not None:
    children = [child for child, _ in node.next_functions]
    reached = [parameter_behind(child) for child in children]
    print(f"{node.name():32s}", ", ".join(name for name in reached if name))
    # [en] go on along the input that is not a parameter
    # [zh] 沿着不是参数的那个输入继续往回走
    node = next((c for c, r in zip(children, reached) if c is not None and r is None), None)

# %% [markdown] lang="en"
# Read from the bottom up, this is the forward pass: conv1, ReLU, pooling, conv2, ReLU, pooling,
# flatten (a `View` or `Reshape`), fc1, ReLU, fc2, ReLU, fc3, loss. `loss.backward()` runs this
# list from the top down, applying the chain rule at every step.
#
# Now clear the gradients, then backpropagate the loss. Since PyTorch 2.0 `zero_grad()` sets
# `.grad` to `None` rather than filling it with zeros, which saves memory and time:

# %% [markdown] lang="zh"
# 从下往上读，这就是前向传播的过程：conv1、ReLU、池化、conv2、ReLU、池化、展平（`View` 或 `Reshape`）、
# fc1、ReLU、fc2、ReLU、fc3、损失。`loss.backward()` 则从上往下执行这张列表，每一步都应用链式法则。
#
# 现在清空梯度，再对损失做反向传播。从 PyTorch 2.0 起，`zero_grad()` 会把 `.grad` 设为 `None`
# 而不是填上 0，这样更省内存，也更快：

# %%
net.zero_grad()
print(helper.tr(en="conv1.bias.grad before backward:", zh="backward 之前的 conv1.bias.grad："), net.conv1.bias.grad)
loss.backward()
print(helper.tr(en="conv1.bias.grad after backward: ", zh="backward 之后的 conv1.bias.grad："), net.conv1.bias.grad)

# %% [markdown] lang="en"
# **Gradients add up.** A second `backward` without `zero_grad` adds the new gradient to the old
# one instead of replacing it. That is useful when a parameter is used twice, or to sum the
# gradients of several small batches, but in a plain training loop it is a bug, which is why every
# step starts with `zero_grad()`:

# %% [markdown] lang="zh"
# **梯度会累加。** 不调用 `zero_grad` 就再做一次 `backward`，新的梯度会加到旧的梯度上，而不是替换它。
# 当一个参数被使用了两次，或者想把几个小批量的梯度加起来时，这很有用；但在普通的训练循环里，这就是个 bug。
# 所以训练的每一步都从 `zero_grad()` 开始：

# %%
first = net.conv1.bias.grad.clone()
criterion(net(x), target).backward()
print(helper.tr(en="after a second backward, grad == 2 * first grad:", zh="第二次 backward 之后，grad == 2 * 第一次的 grad："),
      torch.allclose(net.conv1.bias.grad, 2 * first))

# %% [markdown] lang="en"
# ## 7. One step of gradient descent, by hand
#
# The gradient $\partial L / \partial w$ says how the loss changes when a weight grows a little.
# To make the loss smaller, move every weight a small step against its gradient:
#
# $$w \leftarrow w - \eta \, \frac{\partial L}{\partial w},$$
#
# where $\eta$ (eta), the **learning rate**, sets the size of the step. This is **stochastic
# gradient descent** (SGD); "stochastic" because in training the gradient comes from a random
# mini-batch rather than from the whole data set.
#
# A worked example with one weight: $L = 3w^2$ at $w = 2$ has $\partial L / \partial w = 6w = 12$,
# so with $\eta = 0.1$ the new weight is $2 - 0.1 \cdot 12 = 0.8$. In code, the update has to
# change `w` **in place** (the model holds that very tensor) and **outside autograd**, for the same
# reason as initialising weights in lesson 2:

# %% [markdown] lang="zh"
# ## 7. 亲手做一步梯度下降
#
# 梯度 $\partial L / \partial w$ 表示权重稍微增大一点时损失会怎样变化。要让损失变小，就让每个权重逆着它的梯度走一小步：
#
# $$w \leftarrow w - \eta \, \frac{\partial L}{\partial w},$$
#
# 其中 $\eta$（eta）是**学习率**，决定步子的大小。这就是**随机梯度下降**（SGD）；叫“随机”，是因为训练时梯度
# 来自随机抽取的小批量数据，而不是整个数据集。
#
# 举一个只有一个权重的例子：$L = 3w^2$ 在 $w = 2$ 处的梯度是 $\partial L / \partial w = 6w = 12$，
# 取 $\eta = 0.1$，新的权重就是 $2 - 0.1 \cdot 12 = 0.8$。写成代码时，更新必须**原地**修改 `w`
# （模型持有的正是这个张量），而且要在 **autograd 之外**进行，原因和第 2 课初始化权重时一样：

# %%
w = torch.tensor([2.0], requires_grad=True)
(3 * w ** 2).sum().backward()
print("w.grad:", w.grad)

try:
    w -= 0.1 * w.grad
except RuntimeError as error:
    print("RuntimeError:", error)

with torch.no_grad():
    w -= 0.1 * w.grad
print(helper.tr(en="w after one step:", zh="走一步之后的 w："), w)

# %% [markdown] lang="en"
# ### Exercise (2 points): `sgd_update(parameters, lr)`
#
# Write one step of SGD for a whole model: `sgd_update(net.parameters(), lr=0.01)`.
#
# * `parameters` is any iterable of parameters, for example the generator `net.parameters()`:
#   loop over it once.
# * For every parameter `p` that has a gradient, update it **in place**: $p \leftarrow p - \text{lr}
#   \cdot p.\text{grad}$. The model must see the new values, so `p = p - ...` (which only makes
#   the name `p` point to a new tensor) is not enough.
# * Do the update without autograd recording it.
# * Skip parameters whose `.grad` is `None` (a layer that took no part in the loss).
# * Leave `.grad` as it is; clearing it is the job of `zero_grad()`. Return nothing.
# * Do not use `torch.optim`: the point is to write what it does.

# %% [markdown] lang="zh"
# ### 练习（2 分）：`sgd_update(parameters, lr)`
#
# 为整个模型写出 SGD 的一步：`sgd_update(net.parameters(), lr=0.01)`。
#
# * `parameters` 可以是任何装着参数的可迭代对象，例如生成器 `net.parameters()`：只遍历它一次。
# * 对每个有梯度的参数 `p`，**原地**更新它：$p \leftarrow p - \text{lr} \cdot p.\text{grad}$。
#   模型必须看到新的数值，所以 `p = p - ...`（它只是让变量名 `p` 指向一个新张量）是不够的。
# * 更新过程不能被 autograd 记录。
# * 跳过 `.grad` 为 `None` 的参数（没有参与计算损失的层）。
# * 不要改动 `.grad`，清空梯度是 `zero_grad()` 的事。函数不返回任何值。
# * 不要使用 `torch.optim`：这个练习的目的正是亲手写出它做的事。

# %% solution="sgd_update"
def sgd_update(parameters, lr):
    ### BEGIN SOLUTION
    # [en] The update itself must not be recorded by autograd.
    # [zh] 更新本身不能被 autograd 记录。
    with torch.no_grad():  # not recorded / 不记录
        for parameter in parameters:
            if parameter.grad is not None:
                # [en] In place: the model's own tensor gets the new values.
                # [zh] 原地修改：模型自己的张量得到新的数值。
                parameter -= lr * parameter.grad
    ### END SOLUTION


# %% tests="test_sgd_update" points=2
from autograder import check

check("sgd_update", sgd_update)
### BEGIN HIDDEN TESTS
from autograder import hidden_tests

hidden_tests("sgd_update", sgd_update)
### END HIDDEN TESTS

# %% [markdown] lang="en"
# ## 8. The same with `torch.optim.SGD`
#
# `torch.optim` holds ready-made update rules, called **optimizers**. An optimizer is given the
# parameters once; `optimizer.step()` then updates all of them from their `.grad`, and
# `optimizer.zero_grad()` clears the gradients. To compare it with your function, make two
# identical copies of LeNet, compute the same gradients in both, and update one with
# `sgd_update` and the other with `torch.optim.SGD`:

# %% [markdown] lang="zh"
# ## 8. 用 `torch.optim.SGD` 做同样的事
#
# `torch.optim` 里有现成的各种更新规则，称为**优化器**。创建优化器时把参数交给它一次；之后
# `optimizer.step()` 会根据各参数的 `.grad` 更新所有参数，`optimizer.zero_grad()` 则负责清空梯度。
# 为了和你写的函数作比较，我们准备两个一模一样的 LeNet，在两者上算出相同的梯度，
# 再分别用 `sgd_update` 和 `torch.optim.SGD` 更新：

# %%
net_by_hand = LeNet().to(device)
net_by_optim = copy.deepcopy(net_by_hand)
for model in (net_by_hand, net_by_optim):
    model.zero_grad()
    criterion(model(x), target).backward()

sgd_update(net_by_hand.parameters(), lr=0.01)
optimizer = torch.optim.SGD(net_by_optim.parameters(), lr=0.01)
optimizer.step()

for (name, a), b in zip(net_by_hand.named_parameters(), net_by_optim.parameters()):
    difference = (a - b).abs().max().item()
    print(f"{name:12s}", helper.tr(en="same values:", zh="数值相同："), torch.allclose(a, b, rtol=1e-6, atol=1e-9),
          helper.tr(en="  largest difference:", zh="  最大差距："), f"{difference:.1e}")

# %% [markdown] lang="en"
# The same weights. If you wrote `p -= lr * p.grad`, a few entries may differ in the very last bit
# (around $10^{-9}$): `lr * p.grad` is rounded to a float before it is subtracted, while SGD
# computes `p.add_(p.grad, alpha=-lr)` in one operation, rounding once. Written that way, your
# update would match bit for bit. Compare floating-point results with `torch.allclose`, not `==`.
#
# With an optimizer, a training step is four lines, and you will write them in every training
# loop from now on. Repeating them on our one example already makes the loss go down:

# %% [markdown] lang="zh"
# 权重完全相同。如果你写的是 `p -= lr * p.grad`，可能有少数元素在最后一位上有差别（约 $10^{-9}$）：
# `lr * p.grad` 先被舍入成浮点数再做减法，而 SGD 用一次运算 `p.add_(p.grad, alpha=-lr)` 完成，只舍入一次。
# 如果你也这样写，结果会逐位相同。比较浮点数的计算结果要用 `torch.allclose`，而不是 `==`。
#
# 有了优化器，训练的一步只需要四行代码，从现在起每个训练循环里你都会写它们。在我们这一个例子上重复几次，损失就已经在下降了：

# %%
optimizer = torch.optim.SGD(net.parameters(), lr=0.01)
for step in range(1, 6):
    optimizer.zero_grad()
    loss = criterion(net(x), target)
    loss.backward()
    optimizer.step()
    print(helper.tr(en=f"step {step}: loss {loss.item():.4f}", zh=f"第 {step} 步：损失 {loss.item():.4f}"))

# %% [markdown] lang="en"
# ## Summary
#
# * A convolution slides a small kernel over the image (strictly, a cross-correlation); its weights
#   are shared by all positions, so it has few parameters. Without padding, a $k \times k$ kernel
#   turns $H$ into $H - k + 1$; 2×2 pooling halves it.
# * Layers take a batch, `(N, C, H, W)`; many also accept one unbatched sample, but we always keep
#   the batch dimension.
# * LeNet: 32 → 28 → 14 → 10 → 5, then 400 → 120 → 84 → 10 logits; ours uses ReLU and max pooling
#   where LeNet-5 had tanh-like units and subsampling.
# * `loss.backward()` adds the gradient of every parameter to its `.grad`: clear them first
#   (`zero_grad`). A step of gradient descent is $w \leftarrow w - \text{lr}\cdot\partial L/\partial
#   w$ under `torch.no_grad()`; `torch.optim.SGD` does exactly this.

# %% [markdown] lang="zh"
# ## 小结
#
# * 卷积就是让一个小卷积核在图片上滑动（严格地说是互相关）；所有位置共用同一组权重，所以参数很少。不填充时，$k \times k$ 的卷积核把 $H$ 变成 $H - k + 1$；2×2 池化把它减半。
# * 各层接收一个批次 `(N, C, H, W)`；很多层也接受单个不带批量维度的样本，但我们总是保留批量维度。
# * LeNet：32 → 28 → 14 → 10 → 5，然后 400 → 120 → 84 → 10 个 logits；原版 LeNet-5 用的是类 tanh 单元和下采样层，我们换成了 ReLU 和最大池化。
# * `loss.backward()` 把每个参数的梯度累加到它的 `.grad` 上：所以要先清空（`zero_grad`）。梯度下降的一步是在 `torch.no_grad()` 里执行 $w \leftarrow w - \text{lr}\cdot\partial L/\partial w$；`torch.optim.SGD` 做的正是这件事。

# %% [markdown] lang="en" answers=true
# ### Answers to the questions (for the instructor)
#
# 1. With `padding=2`, conv1 keeps the size: $32 + 4 - 5 + 1 = 32$, so `(N, 6, 32, 32)`. On an
#    unpadded 28×28 image the maps are 24 → 12 → 8 → 4, flatten gives $16 \cdot 4 \cdot 4 = 256$,
#    and only `fc1` has to change, to `nn.Linear(256, 120)`. (Or give conv1 `padding=2`: then 28
#    stays 28 and the rest of the table holds.)
# 2. 1,024 inputs to $6 \cdot 28 \cdot 28 = 4{,}704$ outputs: $1024 \cdot 4704 + 4704 =
#    4{,}821{,}600$ parameters, about 30,000 times conv1's 156. The convolution connects each output
#    to a 5×5 patch only, and all positions share one kernel per map.
# 3. Adding lets you sum gradients from several losses, or from several small batches before one
#    step (gradient accumulation, when a large batch does not fit in memory). It bites when you
#    forget `zero_grad()`: each step then uses the sum of all gradients so far, and training goes
#    wrong without any error message.

# %% [markdown] lang="zh" answers=true
# ### 思考题参考答案（供教师使用）
#
# 1. `padding=2` 时 conv1 保持尺寸不变：$32 + 4 - 5 + 1 = 32$，输出 `(N, 6, 32, 32)`。对不填充的 28×28 图片，特征图依次是 24 → 12 → 8 → 4，展平后是 $16 \cdot 4 \cdot 4 = 256$，只需把 `fc1` 改成 `nn.Linear(256, 120)`。（或者给 conv1 加上 `padding=2`：28 仍是 28，表中其余部分都不变。）
# 2. 从 1,024 个输入到 $6 \cdot 28 \cdot 28 = 4{,}704$ 个输出：$1024 \cdot 4704 + 4704 = 4{,}821{,}600$ 个参数，约为 conv1 的 156 个参数的 3 万倍。卷积让每个输出只连接一个 5×5 的小块，而且每张特征图在所有位置上共用一个卷积核。
# 3. 累加让你可以把几个损失的梯度、或者几个小批次的梯度加起来，再统一走一步（梯度累积：大批次放不进内存时很有用）。坑在于忘了调用 `zero_grad()`：每一步用的都是至今所有梯度之和，训练出了问题却没有任何报错。

# %% [markdown] lang="en"
# ## Questions to think about
#
# 1. What shape would conv1 produce with `padding=2`? Which layers of LeNet would have to change
#    if the input were the unpadded 28×28 image?
# 2. conv1 has 156 parameters and fc1 has 48,120. What would a fully connected layer from the
#    32×32 image to 6 maps of 28×28 need?
# 3. Why is it convenient that `backward` adds to `.grad`, and where does it bite?
#
# **Next:** losses and autograd up close: cross-entropy, the standard loss for classification,
# computed from logits, and a closer look at what `requires_grad`, `backward()` and `.grad` do.

# %% [markdown] lang="zh"
# ## 思考题
#
# 1. 如果 conv1 使用 `padding=2`，输出形状会是什么？如果输入是没有补边的 28×28 图片，LeNet 的哪些层需要修改？
# 2. conv1 有 156 个参数，fc1 有 48,120 个。如果用一个全连接层把 32×32 的图片映射成 6 张 28×28 的特征图，需要多少个参数？
# 3. `backward` 把梯度累加到 `.grad` 上，这为什么方便？又会在哪里坑到你？
#
# **下一课：** 深入了解损失函数与自动求导：分类问题的标准损失函数交叉熵（由 logits 计算），以及 `requires_grad`、
# `backward()` 和 `.grad` 背后到底发生了什么。
